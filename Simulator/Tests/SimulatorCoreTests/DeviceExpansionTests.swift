import SimulatorCore
import Testing

@Suite struct DeviceExpansionTests {
    @Test func countsExpandToNamedDevicesInLayoutOrder() throws {
        let plan = try samplePlan()
        #expect(plan.devices.count == 14)
        #expect(plan.devices.map(\.index) == Array(0..<14))
        #expect(plan.devices.prefix(8).map(\.name) == (1...8).map { "press-0\($0)" })
        #expect(plan.devices[8...9].map(\.name) == ["furnace-01", "furnace-02"])
        #expect(plan.devices[10...12].map(\.name) == ["gas-1", "gas-2", "gas-3"])
        #expect(plan.devices[13].name == "cnc-001")
        #expect(plan.devices[10].line == "line2" && plan.devices[10].site == "seoul" && plan.devices[10].kind == "gas")
        #expect(plan.devices[0].sensorTopics[0] == "factory/seoul/line1/press-01/temperature")
        #expect(plan.devices[8].deviceTopic == "factory/seoul/line1/furnace-01")
        #expect(plan.deviceIndex(named: "gas-2") == 11)
        #expect(plan.deviceIndex(named: "nope") == nil)
    }

    @Test(arguments: [("press-{n:02}", 3, "press-03"), ("p{n}", 12, "p12"), ("x-{n:04}-b", 7, "x-0007-b"), ("solo", 1, "solo")])
    func namePatterns(pattern: String, n: Int, name: String) throws {
        #expect(try NamePattern(pattern).name(n) == name)
    }

    @Test func firstContinuesANumbering() throws {
        let plan = ScenarioPlan(scenario: try Scenario.resolve("seoul"))
        let line2 = plan.devices.filter { $0.line == "line2" && $0.kind == "press" }.map(\.name)
        #expect(line2.first == "press-09" && line2.last == "press-16")
    }

    @Test func ratesPerDeviceAndMessages() throws {
        let plan = try samplePlan()
        #expect(plan.ratePerDevice == 10)
        #expect(plan.totalRate == 480)
        // 8×5 object + 2×1 device-object + 3×1 number + 1×(1/4) array messages per tick.
        #expect(abs(plan.messagesPerSecond - (40 + 2 + 3 + 0.25) * 10) < 1e-9)
        #expect(plan.ticks() == 600)
    }
}
