import Foundation
import Testing
@testable import Rules

@Suite("Rule file parser")
struct RuleFileParserTests {
    static let example = """
        rules:
          - name: furnace-overheat
            match: {device: "furnace-*", sensor: temperature}   # globs
            when: value > 850
            for: 3s
            clear: value < 820
            severity: critical
            labels: {team: furnace}
            annotations: {summary: "{device} at {site}/{line} is {value}°C"}
            repeat: 10m
            actions:
              - webhook: default
              - mqtt: {topic: "factory/{site}/{line}/{device}/cmd", payload: '{"cmd":"stop","rule":"{rule}"}', qos: 1}
          - {name: gas-rising,  match: {sensor: gas_ppm},  when: "rate(10s) > 50", severity: critical}
          - {name: vib-high,    match: {sensor: vibration}, when: "avg(5s) > 7.1", severity: warning}
          - {name: silent,      match: {sensor: "*"},      when: "absent(30s)",   severity: warning, actions: [{webhook: ops}]}
          - {name: fire-risk,   match: {device: "*"},      when: "temperature > 60 and smoke > 0.08", severity: critical}
        """

    @Test("the design document's example parses into five rules with every field")
    func parsesTheExample() throws {
        let rules = try ruleSet(Self.example)
        #expect(rules.rules.map(\.name) == ["furnace-overheat", "gas-rising", "vib-high", "silent", "fire-risk"])
        let furnace = rules.rules[0]
        #expect(furnace.match == SeriesMatch(device: Glob("furnace-*"), sensor: Glob("temperature")))
        #expect(furnace.when == "value > 850")
        #expect(furnace.clear == "value < 820")
        #expect(furnace.holdFor == .seconds(3))
        #expect(furnace.repeatEvery == .seconds(600))
        #expect(furnace.severity == .critical)
        #expect(furnace.labels == ["team": "furnace"])
        #expect(furnace.annotations["summary"]?.source == "{device} at {site}/{line} is {value}°C")
        #expect(furnace.fileLine == 2)
        guard furnace.actions.count == 2, case .mqtt(let topic, let payload, let qos, _) = furnace.actions[1] else {
            Issue.record("expected a webhook and an mqtt action, got \(furnace.actions)")
            return
        }
        #expect(furnace.actions[0] == .webhook(receiver: "default"))
        #expect(topic.source == "factory/{site}/{line}/{device}/cmd")
        #expect(payload.source == #"{"cmd":"stop","rule":"{rule}"}"#)
        #expect(qos == 1)
        #expect(rules.rules[1].holdFor == .zero && rules.rules[1].repeatEvery == nil && rules.rules[1].clear == nil)
        #expect(rules.rules[4].isDeviceScoped)
    }

    @Test("the webhook receivers the rules name are exposed for the caller to check")
    func receiverReferences() throws {
        let rules = try ruleSet(Self.example)
        #expect(rules.referencedReceivers == ["default", "ops"])
        #expect(rules.receiverReferences.map { "\($0.rule):\($0.receiver)@\($0.line):\($0.column)" }
            == ["furnace-overheat:default@12:18", "silent:ops@16:114"])
    }

    @Test("an empty file, a comment-only file and an empty rules list give zero rules", arguments: ["", "# nothing yet\n", "rules:\n", "rules: []\n"])
    func emptyFilesHaveNoRules(_ text: String) throws {
        #expect(try ruleSet(text).rules.isEmpty)
    }

    @Test("severity defaults to warning and match to every series")
    func defaults() throws {
        let rule = try ruleSet("rules:\n  - {name: a, when: value > 1}\n").rules[0]
        #expect(rule.severity == .warning)
        #expect(rule.match == SeriesMatch())
        #expect(rule.actions.isEmpty && rule.labels.isEmpty && rule.annotations.isEmpty)
    }

    @Test("every error in a file is reported, in file order, not just the first")
    func collectsAllErrors() throws {
        let text = """
            rules:
              - {name: a, when: "value >", severity: loud}
              - {name: b, when: "avg(5) > 1", for: soon}
            """
        let error = try #require(throws: RuleFileErrors.self) { try ruleSet(text) }
        #expect(error.errors.map(\.description) == [
            "test.yaml:2:29: expected a number, a sensor name, 'value' or '(' after '>'",
            "test.yaml:2:42: unknown severity 'loud' (allowed: info, warning, critical)",
            "test.yaml:3:26: avg needs a duration like 5s, got '5'",
            "test.yaml:3:40: 'for' expects a duration like 500ms, 3s, 5m, 1h or 1.5s, got 'soon'",
        ])
        #expect(error.errors[0].line == 2 && error.errors[0].column == 29 && error.errors[0].path == "test.yaml")
    }

    @Test("a stop command's loop: its confirmation (topic template, text, within, retries) and cooldown; every mistake named")
    func commandLoop() throws {
        let rules = try ruleSet("""
            rules:
              - name: overpressure
                when: value > 10
                actions:
                  - mqtt:
                      topic: "factory/{site}/{line}/{device}/cmd"
                      payload: '{"cmd":"stop"}'
                      qos: 1
                      confirm: {topic: "factory/{site}/{line}/{device}/state", payload: stopped, within: 5s, retries: 3}
                      cooldown: 30s
                  - mqtt: {topic: "factory/{site}/{line}/{device}/lamp", confirm: {topic: "factory/{site}/lamp", within: 1s}}
            """)
        guard case .mqtt(_, _, _, let loop) = rules.rules[0].actions[0], let confirm = loop.confirm else {
            Issue.record("no loop: \(rules.rules[0].actions)")
            return
        }
        #expect(confirm.topic.source == "factory/{site}/{line}/{device}/state")
        #expect(confirm.payload == "stopped" && confirm.withinMillis == 5_000 && confirm.retries == 3 && loop.cooldownMillis == 30_000)
        guard case .mqtt(_, _, _, let second) = rules.rules[0].actions[1] else { return }
        #expect(second.confirm?.retries == 2 && second.confirm?.payload == "" && second.cooldownMillis == 0, "defaults")

        let error = try #require(throws: RuleFileErrors.self) { try ruleSet("""
            rules:
              - name: a
                when: value > 1
                actions:
                  - mqtt: {topic: t, confirm: {topic: s, within: 1s, retries: 11}}
                  - mqtt: {topic: t, confirm: {topic: s}}
                  - mqtt: {topic: t, confirm: {topic: s, within: 1s, reply: ok}}
                  - mqtt: {topic: t, cooldown: soon}
                  - mqtt: {topic: t, confirm: stopped}
            """) }
        #expect(error.errors.map(\.description) == [
            "test.yaml:5:67: retries must be a whole number from 0 to 10",
            "test.yaml:6:35: confirm has no 'within' (how long to wait for the reply)",
            "test.yaml:7:58: unknown key 'reply' in confirm (allowed: payload, retries, topic, within)",
            "test.yaml:8:36: 'cooldown' expects a duration like 500ms, 3s, 5m, 1h or 1.5s, got 'soon'",
            "test.yaml:9:35: confirm expects a mapping like {topic: …, payload: stopped, within: 5s, retries: 2}, found a value",
        ])
    }
}

@Suite("Globs and templates")
struct GlobAndTemplateTests {
    @Test("globs match whole names with * and ?", arguments: [
        ("furnace-*", "furnace-01", true), ("furnace-*", "furnace-", true), ("furnace-*", "press-01", false),
        ("*", "", true), ("f?r*-0?", "fur-x-01", true), ("f?r*-0?", "fur-x-011", false), ("*-01", "press-01", true),
        ("a*b*c", "aXbYbZc", true), ("a*b*c", "aXbYbZ", false), ("temperature", "temperature", true),
        ("temperature", "temperature2", false), ("?", "é", true),
    ] as [(String, String, Bool)])
    func globs(_ pattern: String, _ text: String, _ matches: Bool) {
        #expect(Glob(pattern).matches(text) == matches)
    }

    @Test("templates replace known placeholders and leave JSON braces alone")
    func templates() {
        let (template, unknown) = Template.parse(#"{"cmd":"stop","rule":"{rule}","v":{value}} {x-y} {}"#)
        #expect(unknown.isEmpty)
        let text = template.render { $0 == .rule ? "r1" : $0 == .value ? "851" : "?" }
        #expect(text == #"{"cmd":"stop","rule":"r1","v":851} {x-y} {}"#)
    }

    @Test("a JSON payload template escapes what it substitutes; text templates substitute as is")
    func jsonPayloadsEscape() {
        let (payload, _) = Template.parse(#" {"cmd":"stop","device":"{device}","sensor":"{sensor}"}"#)
        let rendered = payload.render { $0 == .device ? #"press"7\"# : "temp\n\u{7}" }
        #expect(rendered == #" {"cmd":"stop","device":"press\"7\\","sensor":"temp\n\u0007"}"#)
        let object = try? JSONSerialization.jsonObject(with: Data(rendered.utf8)) as? [String: String]
        #expect(object?["device"] == #"press"7\"# && object?["sensor"] == "temp\n\u{7}")
        let (text, _) = Template.parse(#"{device} at {site} is "hot""#)
        #expect(text.render { $0 == .device ? #"press"7"# : "seoul" } == #"press"7 at seoul is "hot""#)
        #expect(Template.parse("[{device}]").0.render { _ in "a\"b" } == #"[a\"b]"#)
    }

    @Test("unknown placeholders are reported with their offsets")
    func unknownPlaceholders() {
        let (_, unknown) = Template.parse("{device} {unit} {site} {Device}")
        #expect(unknown.map(\.name) == ["unit", "Device"])
        #expect(unknown.map(\.offset) == [9, 23])
    }
}
