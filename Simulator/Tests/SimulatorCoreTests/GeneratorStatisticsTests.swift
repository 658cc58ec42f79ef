import SimulatorCore
import Testing

/// A one-device plan whose only sensor has `profile`.
func singleSensorPlan(_ profile: String, rate: Double = 10, seed: UInt64 = 7) throws -> ScenarioPlan {
    let scenario = try Scenario.parse(yaml: """
        name: one
        rate: {per_device: \(rate)}
        kinds: {k: {sensors: {s: \(profile)}}}
        sites: [{name: s, lines: [{name: l, devices: [{kind: k, count: 3}]}]}]
        """, file: "one.yaml")
    return ScenarioPlan(scenario: scenario, seed: seed)
}

func series(_ plan: ScenarioPlan, device: Int = 0, ticks: Int) -> [Double] {
    var generator = plan.generator(device: device)
    var values: [Double] = []
    return (0..<ticks).map { seq in
        _ = generator.values(seq: Int64(seq), into: &values)
        return values[0]
    }
}

@Suite struct GeneratorStatisticsTests {
    @Test(arguments: [UInt64(1), 2, 3])
    func randomWalkHoldsItsMeanAndSpread(seed: UInt64) throws {
        let plan = try singleSensorPlan("{profile: random-walk, mean: 65, sd: 0.5, reversion: 0.05}", seed: seed)
        let stats = statistics(series(plan, ticks: 10_000))
        // 10k ticks with a correlation time of ~20 ticks: ~250 independent samples.
        #expect(abs(stats.mean - 65) < 0.15, "mean \(stats.mean)")
        #expect(abs(stats.sd - 0.5) < 0.1, "sd \(stats.sd)")
    }

    @Test func randomWalkStaysWithinBounds() throws {
        let plan = try singleSensorPlan("{profile: random-walk, mean: 10, sd: 5, reversion: 0.2, min: 8, max: 11}")
        let values = series(plan, ticks: 10_000)
        #expect(values.min()! >= 8 && values.max()! <= 11)
        #expect(values.contains(8) && values.contains(11))  // the bounds do bite
    }

    @Test func sineRepeatsEveryPeriod() throws {
        let plan = try singleSensorPlan("{profile: sine, mean: 3, amplitude: 1, period: 10s}", rate: 10)
        let values = series(plan, ticks: 1_000)
        for seq in 0..<900 { #expect(abs(values[seq] - values[seq + 100]) < 1e-9) }
        #expect(abs(values.max()! - 4) < 0.01 && abs(values.min()! - 2) < 0.01)
        let noisy = statistics(series(try singleSensorPlan("{profile: sine, mean: 3, amplitude: 1, period: 10s, noise: 0.1}"), ticks: 10_000))
        #expect(abs(noisy.mean - 3) < 0.02)
        #expect(abs(noisy.sd - (0.5 + 0.01).squareRoot()) < 0.02)  // amplitude²/2 + noise²
    }

    @Test func sinePhaseDiffersBetweenDevices() throws {
        let plan = try singleSensorPlan("{profile: sine, mean: 3, amplitude: 1, period: 10s}")
        #expect(series(plan, device: 0, ticks: 5) != series(plan, device: 1, ticks: 5))
    }

    @Test func counterCountsUp() throws {
        let values = series(try singleSensorPlan("{profile: counter, start: 100, step: 2}"), ticks: 1_000)
        #expect(values == (0..<1_000).map { 100 + 2 * Double($0) })
    }

    @Test func stepHoldsEachLevel() throws {
        let values = series(try singleSensorPlan("{profile: step, levels: [100, 120, 90], every: 2s}", rate: 10), ticks: 120)
        #expect(values[0..<20].allSatisfy { $0 == 100 })
        #expect(values[20..<40].allSatisfy { $0 == 120 })
        #expect(values[40..<60].allSatisfy { $0 == 90 })
        #expect(values[60..<80].allSatisfy { $0 == 100 })
    }

    @Test func constantIsConstant() throws {
        #expect(Set(series(try singleSensorPlan("{profile: constant, value: 1.5}"), ticks: 100)) == [1.5])
    }

    @Test func readingIsTheSameWhateverTheCallOrder() throws {
        let plan = try samplePlan()
        var inOrder = plan.generator(device: 0)
        let forward = (0..<300).map { inOrder.sample(seq: Int64($0)) }
        var backwards = plan.generator(device: 0)
        let reversed = (0..<300).reversed().map { backwards.sample(seq: Int64($0)) }
        #expect(forward == Array(reversed.reversed()))
        #expect(plan.reading(device: 0, seq: 123) == forward[123])
        #expect(forward[123].offset == 12.3)
    }
}
