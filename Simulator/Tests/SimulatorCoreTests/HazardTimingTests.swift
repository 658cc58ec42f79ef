import SimulatorCore
import Testing

/// The sample without its random hazards, so fixed windows are the only ones.
func fixedHazardPlan() throws -> ScenarioPlan {
    let yaml = sampleYAML.replacing("  - {random: 5, types: [overheat, gas-leak], within: 60s}\n", with: "")
    #expect(yaml != sampleYAML)
    return ScenarioPlan(scenario: try Scenario.parse(yaml: yaml, file: "fixed.yaml"))
}

@Suite struct HazardTimingTests {
    /// Values of `sensor` of `device` at every tick of the first 60 s (10 ticks/s).
    func values(_ plan: ScenarioPlan, _ device: String, _ sensor: String) throws -> [Double?] {
        let index = try #require(plan.deviceIndex(named: device))
        let sensorIndex = try #require(plan.devices[index].sensors.firstIndex { $0.name == sensor })
        var generator = plan.generator(device: index)
        return (0..<600).map { seq in
            let sample = generator.sample(seq: Int64(seq))
            return sample.isSilent ? nil : sample.values[sensorIndex]
        }
    }

    @Test func overheatRampsToItsLevelThenHolds() throws {
        let temperature = try values(fixedHazardPlan(), "press-03", "temperature")
        // Window 5 s…15 s: ramp over the first 2 s, then hold at 900.
        #expect(temperature[0..<50].allSatisfy { $0! < 70 })
        #expect(temperature[55]! > 70 && temperature[55]! < 900)
        #expect(temperature[70..<150].allSatisfy { abs($0! - 900) < 1e-9 })
        #expect(temperature[150..<600].allSatisfy { $0! < 70 })
        let ramp = temperature[50...70].map { $0! }
        #expect(zip(ramp, ramp.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func chatterBouncesAcrossTheThresholdEveryPeriod() throws {
        let yaml = sampleYAML
            .replacing("  - {random: 5, types: [overheat, gas-leak], within: 60s}\n", with: "")
            .replacing(
                "- {type: overheat, device: press-03, sensor: temperature, start: 5s, duration: 10s, level: 900}",
                with: "- {type: chatter, device: press-03, start: 5s, duration: 12s, period: 4s}")
        let plan = ScenarioPlan(scenario: try Scenario.parse(yaml: yaml, file: "chatter.yaml"))
        let temperature = try values(plan, "press-03", "temperature")
        // Window 5 s…17 s, period 4 s: at 900 for 5–7, 9–11, 13–15 s; normal between and after.
        for (range, hot) in [(0..<50, false), (50..<70, true), (70..<90, false), (90..<110, true), (110..<130, false),
                             (130..<150, true), (150..<170, false), (170..<600, false)] {
            #expect(temperature[range].allSatisfy { hot ? $0! == 900 : $0! < 70 }, "\(range)")
        }
        #expect(plan.groundTruth.first { $0.type == .chatter }?.rule == "overheat")
        #expect(throws: ScenarioError.self) {
            try Scenario.parse(yaml: yaml.replacing("period: 4s", with: "period: 0s"), file: "chatter.yaml")
        }
    }

    @Test func gasLeakRisesFast() throws {
        let gas = try values(fixedHazardPlan(), "gas-1", "gas_ppm")
        #expect(gas[0..<120].allSatisfy { $0! < 20 })
        // 100 ppm/s: rate(10 s) is far above gas-rising's 50.
        #expect(gas[169]! - gas[120]! > 400)
        #expect(gas[170..<600].allSatisfy { $0! < 20 })
    }

    @Test func vibrationBurstMultipliesTheSignal() throws {
        let vibration = try values(fixedHazardPlan(), "press-05", "vibration")
        let burst = vibration[80..<140].map { $0! }
        #expect(statistics(burst).mean > 7.1)  // vib-high: avg(5s) > 7.1
        #expect(vibration[0..<80].allSatisfy { $0! < 4.6 })
        #expect(vibration[140..<600].allSatisfy { $0! < 4.6 })
    }

    @Test func silentDevicePublishesNothingInItsWindow() throws {
        let plan = try fixedHazardPlan()
        let device = try #require(plan.deviceIndex(named: "press-07"))
        var stream = DeviceStream(plan: plan, device: device)
        var buffer = MessageBuffer()
        var silentSeqs: [Int64] = []
        for _ in 0..<600 {
            buffer.removeAll()
            let tick = stream.tick(wallMillis: 0, into: &buffer)
            if tick.isSilent {
                silentSeqs.append(tick.seq)
                #expect(buffer.isEmpty)
            }
        }
        #expect(silentSeqs == Array(100..<450))  // 10 s … 45 s
    }

    @Test func fireRiskRaisesTemperatureAndSmokeTogether() throws {
        let plan = try fixedHazardPlan()
        let temperature = try values(plan, "furnace-02", "temperature")
        let smoke = try values(plan, "furnace-02", "smoke")
        for seq in 200..<280 { #expect(temperature[seq]! > 60 && smoke[seq]! > 0.08) }
        for seq in Array(0..<200) + Array(280..<600) { #expect(smoke[seq]! < 0.08) }
    }

    @Test func groundTruthNamesRuleDeviceSensorsAndWindow() throws {
        let truth = try samplePlan().groundTruth
        let fixed = truth.filter { !$0.isRandom }
        #expect(fixed.map(\.rule) == ["overheat", "vib-high", "silent", "gas-rising", "fire-risk"])
        let silent = try #require(fixed.first { $0.type == .silent })
        #expect(silent.device == "press-07" && silent.site == "seoul" && silent.line == "line1")
        #expect(silent.sensors == ["temperature", "vibration", "strokes", "pressure", "mode"])
        #expect(silent.startOffset == 10 && silent.endOffset == 45)
        #expect(fixed.first { $0.type == .fireRisk }?.sensors == ["temperature", "smoke"])
        #expect(HazardType.overheat.rule(device: "furnace-02") == "furnace-overheat")
        #expect(truth.map(\.startOffset) == truth.map(\.startOffset).sorted())
    }

    @Test func randomHazardsAreResolvedFromTheSeed() throws {
        let plan = try samplePlan(seed: 77)
        let random = plan.groundTruth.filter(\.isRandom)
        #expect(random.count == 5)
        for hazard in random {
            #expect([.overheat, .gasLeak].contains(hazard.type))
            #expect(hazard.startOffset >= 0 && hazard.endOffset <= 60)
            let kind = plan.devices[hazard.deviceIndex].kind
            #expect(hazard.type == .gasLeak ? kind == "gas" : ["press", "furnace"].contains(kind))
            if hazard.type == .overheat, kind == "furnace" { #expect(hazard.rule == "furnace-overheat") }
        }
        #expect(try samplePlan(seed: 77).groundTruth == plan.groundTruth)
        let elsewhere = try samplePlan(seed: 78).groundTruth.filter(\.isRandom)
        #expect(elsewhere != random)
        // A random hazard changes the values it claims to.
        let gas = try #require(random.first { $0.type == .gasLeak })
        let end = Int64(gas.endOffset * 10) - 1
        #expect(plan.reading(device: gas.deviceIndex, seq: end).values[0] > 300)
    }

    @Test func randomHazardsNeverLandOnASilentDevice() throws {
        // seoul: press-07 is silent from 10 s to 45 s; many random bursts over the same minute.
        let yaml = try #require(BuiltinScenarios.named("seoul"))
        let crowded = yaml.replacing("hazards:\n", with: "hazards:\n  - {random: 200, types: [overheat, vibration-burst], within: 60s}\n")
        let plan = ScenarioPlan(scenario: try Scenario.parse(yaml: crowded, file: "crowded.yaml"), seed: 5)
        let silent = plan.groundTruth.filter { $0.type == .silent }
        #expect(!silent.isEmpty)
        for quiet in silent {
            let clashing = plan.groundTruth.filter {
                $0.deviceIndex == quiet.deviceIndex && $0.type != .silent && $0.startOffset < quiet.endOffset && quiet.startOffset < $0.endOffset
            }
            #expect(clashing.isEmpty, "\(clashing.map { "\($0.type) at \($0.startOffset)" })")
        }
        #expect(plan.groundTruth.filter(\.isRandom).count >= 190)
    }
}
