import Foundation
import SimulatorCore
import Testing

@Suite struct ScenarioParsingTests {
    @Test func everyConstructIsParsed() throws {
        let scenario = try sampleScenario()
        #expect(scenario.name == "sample")
        #expect(scenario.seed == 42)
        #expect(scenario.topicTemplate == "factory/{site}/{line}/{device}/{sensor}")
        #expect(scenario.qos == 1)
        #expect(scenario.rate == .perDevice(10))
        #expect(scenario.duration == 60)
        #expect(scenario.kinds.map(\.name) == ["press", "furnace", "gas", "cnc"])
        #expect(scenario.kinds.map(\.payload) == [.object, .deviceObject, .number, .array])
        #expect(scenario.kind(named: "cnc")?.batch == 4)
        let press = try #require(scenario.kind(named: "press"))
        #expect(press.sensors.map(\.name) == ["temperature", "vibration", "strokes", "pressure", "mode"])
        #expect(press.sensors[0] == SensorSpec(
            name: "temperature", unit: "C", decimals: 2,
            profile: .randomWalk(mean: 65, sd: 0.5, reversion: 0.05, min: 20, max: 120)))
        #expect(press.sensors[1].profile == .sine(mean: 3, amplitude: 1, period: 10, noise: 0.1))
        #expect(press.sensors[2].profile == .counter(start: 0, step: 1))
        #expect(press.sensors[2].decimals == 0)  // counters default to whole numbers
        #expect(press.sensors[3].profile == .step(levels: [100, 120, 100], every: 20))
        #expect(press.sensors[4].profile == .constant(value: 1))
        #expect(scenario.sites.map(\.name) == ["seoul"])
        #expect(scenario.sites[0].lines.map(\.name) == ["line1", "line2"])
        #expect(scenario.hazards.count == 6)
        #expect(scenario.hazards[0] == .fixed(FixedHazard(
            type: .overheat, device: "press-03", site: nil, line: nil, sensors: ["temperature"], start: 5, duration: 10,
            effect: .rampTo(level: 900))))
        #expect(scenario.hazards[4] == .fixed(FixedHazard(
            type: .fireRisk, device: "furnace-02", site: nil, line: nil, sensors: ["temperature", "smoke"], start: 20,
            duration: 8, effect: .atLeast(temperature: 75, smoke: 0.15))))
        #expect(scenario.hazards[5] == .random(RandomHazards(count: 5, types: [.overheat, .gasLeak], within: 60, duration: nil)))
        #expect(scenario.faults.malformed == 0.01)
        #expect(scenario.faults.malformedKinds == MalformedKind.allCases)
        #expect(scenario.faults.duplicates == 0.01)
        #expect(scenario.faults.outOfOrder == 0.01)
        #expect(scenario.faults.skew == 0.01)
        #expect(scenario.faults.skewBy == 300)
        #expect(scenario.faults.disconnectEvery == 20)
    }

    @Test func defaultsApplyWhenKeysAreLeftOut() throws {
        let scenario = try Scenario.parse(yaml: """
            name: tiny
            kinds: {k: {sensors: {v: {profile: constant, value: 3}}}}
            sites: [{name: s, lines: [{name: l, devices: [{kind: k}]}]}]
            """, file: "tiny.yaml")
        #expect(scenario.seed == 1)
        #expect(scenario.qos == 1)
        #expect(scenario.rate == .perDevice(1))
        #expect(scenario.duration == 30)
        #expect(scenario.kinds[0].payload == .object)
        #expect(scenario.faults == .none)
        #expect(ScenarioPlan(scenario: scenario).devices.map(\.name) == ["k-01"])
    }

    @Test func totalRateIsSharedOverEverySensor() throws {
        let yaml = sampleYAML.replacing("rate: {per_device: 10}", with: "rate: {total: 33k/s}")
        let plan = ScenarioPlan(scenario: try Scenario.parse(yaml: yaml, file: "t.yaml"))
        // 8 presses × 5 + 2 furnaces × 2 + 3 gas × 1 + 1 cnc × 1 = 48 sensors.
        #expect(abs(plan.ratePerDevice - 33_000.0 / 48) < 1e-9)
        #expect(abs(plan.totalRate - 33_000) < 1e-6)
        #expect(abs(ScenarioPlan(scenario: plan.scenario, totalRate: 4_800).ratePerDevice - 100) < 1e-9)
    }

    /// A mutation of the sample, and the exact error it must give.
    struct BadCase: CustomTestStringConvertible, Sendable {
        let replace: String
        let with: String
        let error: String
        var testDescription: String { error }
    }

    @Test(arguments: [
        BadCase(replace: "{kind: press, count: 8,", with: "{kind: press, count: many,",
                error: #"sample.yaml:33: sites[0].lines[0].devices[0].count: expected an integer in 1…1000000, got "many""#),
        BadCase(replace: "rate: {per_device: 10}", with: "rate: {per_device: fast}",
                error: #"sample.yaml:3: rate.per_device: expected a rate > 0 like 10, 10/s or 50k/s, got "fast""#),
        BadCase(replace: "mean: 3, amplitude: 1", with: "mean: 3, amplitud: 1",
                error: "sample.yaml:10: kinds.press.sensors.vibration.amplitud: unknown key (expected one of: profile, unit, decimals, mean, amplitude, period, noise)"),
        BadCase(replace: "period: 10s", with: "period: soon",
                error: #"sample.yaml:10: kinds.press.sensors.vibration.period: expected a duration like 500ms, 30s, 5m or 1h (> 0), got "soon""#),
        BadCase(replace: "profile: counter", with: "profile: zigzag",
                error: #"sample.yaml:11: kinds.press.sensors.strokes.profile: expected one of random-walk, sine, counter, step, constant, got "zigzag""#),
        BadCase(replace: "payload: number", with: "payload: csv",
                error: #"sample.yaml:20: kinds.gas.payload: expected one of number, object, device-object, array, got "csv""#),
        BadCase(replace: "{kind: gas, count: 3", with: "{kind: pump, count: 3",
                error: #"sample.yaml:37: sites[0].lines[1].devices[0].kind: unknown kind "pump" (kinds: press, furnace, gas, cnc)"#),
        BadCase(replace: "device: press-05", with: "device: press-55",
                error: #"sample.yaml:42: hazards[2].device: no device named "press-55" in the layout"#),
        BadCase(replace: "{type: gas-leak, device: gas-1,", with: "{type: gas-leak, device: press-01,",
                error: "sample.yaml:41: hazards[1].device: gas-leak needs sensor gas_ppm, which press-01 (kind press) does not have"),
        BadCase(replace: "type: silent", with: "type: meltdown",
                error: #"sample.yaml:43: hazards[3].type: expected one of overheat, gas-leak, vibration-burst, silent, fire-risk, chatter, got "meltdown""#),
        BadCase(replace: "type: silent, device: press-07,", with: "type: silent, device: press-07, level: 3,",
                error: "sample.yaml:43: hazards[3].level: unknown key (expected one of: type, device, site, line, start, duration)"),
        BadCase(replace: "duplicates: 0.01", with: "duplicates: 1.5",
                error: #"sample.yaml:48: faults.duplicates: expected a number between 0 and 1, got "1.5""#),
        BadCase(replace: "kinds: [bad_json,", with: "kinds: [bad_xml,",
                error: #"sample.yaml:47: faults.malformed.kinds[0]: expected one of bad_json, not_numeric, non_finite, topic_shape, too_large, bad_timestamp, got "bad_xml""#),
        BadCase(replace: "name: \"gas-{n}\"", with: "name: \"gas\"",
                error: "sample.yaml:37: sites[0].lines[1].devices[0].name: count is 3: the name needs {n} or {n:02}"),
        BadCase(replace: "name: \"cnc-{n:03}\"", with: "name: \"cnc-{m}\"",
                error: "sample.yaml:38: sites[0].lines[1].devices[1].name: expected {n} or {n:0W}, got {m}"),
        BadCase(replace: "seed: 42", with: "seed: 42\ncolour: blue",
                error: "sample.yaml:3: colour: unknown key (expected one of: name, seed, topic_template, qos, rate, duration, kinds, sites, hazards, faults)"),
        BadCase(replace: "name: sample\n", with: "",
                error: "sample.yaml:1: name: missing (required)"),
        BadCase(replace: "{random: 5, types: [overheat, gas-leak]", with: "{random: 5, types: [overheat, vibration-burst, silent, fire-risk, gas-leak, smoke]",
                error: #"sample.yaml:45: hazards[5].types[5]: expected one of overheat, gas-leak, vibration-burst, silent, fire-risk, chatter, got "smoke""#),
        BadCase(replace: "seed: 42", with: "seed: 42\ntopic_template: \"factory/{site}/{device}\"",
                error: "sample.yaml:3: topic_template: kind press sends per-sensor messages (object): the template needs {sensor}"),
        BadCase(replace: "duration: 60s", with: "duration: 60s\n  oops: 1",
                error: "sample.yaml:5: invalid YAML: mapping values are not allowed in this context"),
    ])
    func invalidScenariosNameFileLineAndKey(_ bad: BadCase) throws {
        let yaml = sampleYAML.replacing(bad.replace, with: bad.with)
        #expect(yaml != sampleYAML, "the mutation must apply")
        #expect(throws: ScenarioError.self) { try Scenario.parse(yaml: yaml, file: "sample.yaml") }
        do {
            _ = try Scenario.parse(yaml: yaml, file: "sample.yaml")
        } catch {
            #expect(error.description == bad.error)
        }
    }

    @Test func ambiguousDeviceNamesNeedSiteOrLine() throws {
        let yaml = """
            name: two
            kinds: {k: {sensors: {temperature: {profile: constant, value: 3}}}}
            sites: [{name: s, lines: [{name: a, devices: [{kind: k, count: 2}]}, {name: b, devices: [{kind: k, count: 2}]}]}]
            hazards: [{type: overheat, device: k-01, start: 1s, duration: 5s}]
            """
        #expect(throws: ScenarioError(file: "two.yaml", line: 4, key: "hazards[0].device",
                                      message: #"2 devices are named "k-01": add site: and/or line:"#)) {
            try Scenario.parse(yaml: yaml, file: "two.yaml")
        }
        let fixed = yaml.replacing("device: k-01,", with: "device: k-01, line: b,")
        let plan = ScenarioPlan(scenario: try Scenario.parse(yaml: fixed, file: "two.yaml"))
        #expect(plan.groundTruth.map(\.line) == ["b"])
        #expect(plan.groundTruth.map(\.deviceIndex) == [2])
    }

    @Test func loadReadsAFileAndNamesErrorsByItsFileName() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("simcore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("sample.yaml")
        try sampleYAML.write(to: good, atomically: true, encoding: .utf8)
        #expect(try Scenario.load(path: good.path) == sampleScenario())
        let bad = directory.appendingPathComponent("bad.yaml")
        try "name: x\nkinds: 3\nsites: []\n".write(to: bad, atomically: true, encoding: .utf8)
        #expect(throws: ScenarioError(file: "bad.yaml", line: 2, key: "kinds", message: "expected a mapping of kind name → kind, got \"3\"")) {
            try Scenario.load(path: bad.path)
        }
        #expect(throws: ScenarioError.self) { try Scenario.load(path: directory.appendingPathComponent("missing.yaml").path) }
        #expect(try Scenario.resolve("smoke").name == "smoke")
    }
}
