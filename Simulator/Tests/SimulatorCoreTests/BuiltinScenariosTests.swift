import SimulatorCore
import Testing

@Suite struct BuiltinScenariosTests {
    @Test(arguments: BuiltinScenarios.names)
    func everyBuiltinParsesAndPlans(name: String) throws {
        let text = try #require(BuiltinScenarios.named(name))
        let scenario = try Scenario.parse(yaml: text, file: name)
        #expect(scenario.name == name)
        let plan = ScenarioPlan(scenario: scenario)
        #expect(!plan.devices.isEmpty)
        #expect(plan.ratePerDevice > 0)
        for hazard in plan.groundTruth {
            #expect(hazard.endOffset <= scenario.duration + 1e-9, "\(hazard.device) \(hazard.type) ends after the run")
        }
    }

    @Test func unknownNamesHaveNoText() {
        #expect(BuiltinScenarios.named("busan") == nil)
    }

    @Test func builtinsHaveTheirShape() throws {
        let smoke = ScenarioPlan(scenario: try Scenario.resolve("smoke"))
        #expect(smoke.devices.count <= 10 && smoke.scenario.duration <= 10)
        #expect(Set(smoke.devices.map(\.payload)) == Set(PayloadShape.allCases))
        let gwangju = ScenarioPlan(scenario: try Scenario.resolve("gwangju"))
        let sensors = Set(gwangju.devices.flatMap { $0.sensors.map(\.name) })
        #expect(sensors.isSuperset(of: ["temperature", "pressure", "gas_ppm", "smoke"]))
        #expect(Set(gwangju.groundTruth.map(\.rule)).isSuperset(of: ["furnace-overheat", "gas-rising", "fire-risk", "silent"]))
        let stress = ScenarioPlan(scenario: try Scenario.resolve("stress"))
        #expect(stress.devices.count >= 1_000)
        #expect(stress.totalRate >= 1_000_000)
        let plant = ScenarioPlan(scenario: try Scenario.resolve("plant"))
        #expect(plant.devices.count == 10_000)
        #expect(plant.devices.reduce(0) { $0 + $1.sensors.count } == 40_000)
        #expect(Set(plant.devices.map(\.line)).count == 20)
        #expect(abs(plant.totalRate - 20_000) < 1)
        #expect(abs(plant.messagesPerSecond - 5_000) < 1)
        var buffer = MessageBuffer()
        var stream = DeviceStream(plan: stress, device: 0)
        stream.tick(wallMillis: 1_732_400_000_123, into: &buffer)
        #expect(buffer.messages.allSatisfy { $0.payload.count < 64 })
    }
}
