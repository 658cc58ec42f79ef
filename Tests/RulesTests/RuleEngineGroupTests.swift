import Readings
@testable import Rules
import Testing

@Suite("Rule engine: one alarm per fault (group_by)")
struct RuleEngineGroupTests {
    static let silent = """
        rules:
          - name: silent
            match: {sensor: "*"}
            when: absent(30s)
            annotations: {summary: "{device}/{sensor} sent nothing for 30 s"}
            actions:
              - webhook: default
        """

    @Test("a device that goes silent is one alarm naming its silent sensors, not one per sensor; it resolves when the last sensor reports again")
    func silentDeviceIsOneAlarm() throws {
        let h = try EngineHarness(Self.silent)
        for sensor in ["temperature", "pressure", "vibration"] {
            h.add("press-07", sensor)
            _ = h.read("press-07/\(sensor)", 1, at: 0)
        }
        h.add("press-08", "temperature")
        _ = h.read("press-08/temperature", 1, at: 0)
        _ = h.read("press-08/temperature", 1, at: 25_000)
        let fired = h.advance(to: 31_000)
        #expect(summary(fired) == ["firing silent press-07/ @30000"])
        #expect(fired.first?.annotations["members"] == "pressure, temperature, vibration")
        #expect(fired.first?.annotations["summary"] == "press-07/pressure, temperature, vibration sent nothing for 30 s")
        #expect(h.engine.activeAlerts.map { "\($0.device)/\($0.sensor)" } == ["press-07/"], "the group, not its members")
        // Two sensors report again: still silent in part. The last one: resolved, same id.
        #expect(h.read("press-07/temperature", 1, at: 40_000).isEmpty)
        #expect(h.read("press-07/pressure", 1, at: 40_000).isEmpty)
        let resolved = h.read("press-07/vibration", 1, at: 41_000)
        #expect(summary(resolved) == ["resolved silent press-07/ @41000"])
        #expect(resolved.first?.alertID == fired.first?.alertID)
        #expect(resolved.first?.annotations["members"] == nil, "no member fires any more")
        // press-08 goes silent on its own later: its own alarm.
        #expect(summary(h.advance(to: 56_000)) == ["firing silent press-08/ @55000"])
    }

    @Test("group_by: line gathers a line's devices into one alarm whose templates name them; group_by: series keeps one per series")
    func lineAndSeries() throws {
        let rules = """
            rules:
              - name: hot
                match: {sensor: temperature}
                when: value > 850
                group_by: line
                annotations: {summary: "{device} over 850 on {line}"}
              - name: quiet
                match: {sensor: pressure}
                when: absent(10s)
                group_by: series
            """
        let h = try EngineHarness(rules)
        h.add("furnace-1", "temperature")
        h.add("furnace-2", "temperature")
        h.add("furnace-3", "temperature", line: "l2")
        let first = h.read("furnace-1/temperature", 900, at: 1_000)
        #expect(summary(first) == ["firing hot / @1000"])
        #expect(first.first?.line == "l1" && first.first?.device == "" && first.first?.sensor == "")
        #expect(first.first?.annotations["summary"] == "furnace-1/temperature over 850 on l1")
        #expect(h.read("furnace-2/temperature", 900, at: 2_000).isEmpty, "the line's alarm already fires")
        #expect(summary(h.read("furnace-3/temperature", 900, at: 2_000)) == ["firing hot / @2000"], "another line: its own")
        #expect(h.read("furnace-1/temperature", 100, at: 3_000).isEmpty)
        #expect(summary(h.read("furnace-2/temperature", 100, at: 4_000)) == ["resolved hot / @4000"])

        h.add("pump-1", "pressure")
        h.add("pump-1", "flow")
        _ = h.read("pump-1/pressure", 1, at: 0)
        #expect(summary(h.advance(to: 11_000)) == ["firing quiet pump-1/pressure @10000"])
    }

    @Test("a restored group alarm whose members are unknown resolves only after none has fired for the grace; a member firing meanwhile keeps it, without a new firing")
    func restoredGroupWaitsForItsMembers() throws {
        let rules = """
            rules:
              - name: hot
                match: {sensor: temperature}
                when: value > 850
                group_by: device
            """
        let before = try EngineHarness(rules)
        before.add("furnace-1", "temperature")
        before.add("furnace-1", "inner")
        let fired = before.read("furnace-1/temperature", 900, at: 1_000)
        let saved = before.engine.activeAlerts
        #expect(saved.map(\.sensor) == [""])

        let after = try EngineHarness(rules)
        after.engine.restore(saved)
        after.add("furnace-1", "temperature")
        after.add("furnace-1", "inner")
        #expect(after.read("furnace-1/inner", 100, at: 5_000).isEmpty, "inner is clear, but temperature has not reported yet")
        #expect(after.advance(to: 14_999).isEmpty)
        #expect(after.read("furnace-1/temperature", 900, at: 10_000).isEmpty, "still hot: the same alarm goes on")
        let resolved = after.read("furnace-1/temperature", 100, at: 20_000) + after.advance(to: 29_999)
        #expect(resolved.isEmpty, "the grace starts at the clear")
        let end = after.advance(to: 30_000)
        #expect(summary(end) == ["resolved hot furnace-1/ @30000"])
        #expect(end.first?.alertID == fired.first?.alertID)
    }

    @Test("an alarm of a series restored after its rule became grouped resolves with its own id; the rule file names a bad group_by")
    func regroupedRuleAndBadValue() throws {
        let perSeries = try EngineHarness("""
            rules:
              - name: hot
                match: {sensor: temperature}
                when: value > 850
            """)
        perSeries.add("furnace-1", "temperature")
        let fired = perSeries.read("furnace-1/temperature", 900, at: 1_000)
        let grouped = try EngineHarness("""
            rules:
              - name: hot
                match: {sensor: temperature}
                when: value > 850
                group_by: device
            """)
        grouped.engine.restore(perSeries.engine.activeAlerts)
        grouped.add("furnace-1", "temperature")
        let resolved = grouped.read("furnace-1/temperature", 100, at: 2_000)
        #expect(summary(resolved) == ["resolved hot furnace-1/temperature @2000"])
        #expect(resolved.first?.alertID == fired.first?.alertID)
        #expect(summary(grouped.read("furnace-1/temperature", 900, at: 3_000)) == ["firing hot furnace-1/ @3000"], "then grouped")

        var message = ""
        do { _ = try ruleSet("rules:\n  - name: hot\n    when: value > 850\n    group_by: rack\n") } catch { message = "\(error)" }
        #expect(message.contains("unknown group_by 'rack' (allowed: series, device, line, site)"), "\(message)")
    }

    @Test("a restored alarm of a silent device ends once the device reports again: its members never trip and clear, a clear evaluation starts the grace")
    func restoredSilentDeviceEnds() throws {
        let before = try EngineHarness(Self.silent)
        before.add("press-07", "temperature")
        _ = before.read("press-07/temperature", 1, at: 0)
        let fired = before.advance(to: 31_000)
        #expect(summary(fired) == ["firing silent press-07/ @30000"])

        let after = try EngineHarness(Self.silent)
        after.engine.restore(before.engine.activeAlerts)
        after.add("press-07", "temperature")
        #expect(after.read("press-07/temperature", 1, at: 60_000).isEmpty, "back, within the grace")
        #expect(after.advance(to: 69_999).isEmpty)
        let resolved = after.advance(to: 70_000)
        #expect(summary(resolved) == ["resolved silent press-07/ @70000"])
        #expect(resolved.first?.alertID == fired.first?.alertID)
    }

    @Test("a group's stop command names the group, never its members; a topic naming a member is refused with the rule and why")
    func groupCommandsNameTheGroup() throws {
        let h = try EngineHarness("""
            rules:
              - name: hot
                match: {sensor: temperature}
                when: value > 850
                group_by: device
                annotations: {summary: "{device}: {sensor} hot"}
                actions:
                  - mqtt: {topic: "factory/{site}/{line}/{device}/cmd", payload: "stop {device}"}
            """)
        h.add("furnace-1", "temperature")
        let fired = h.read("furnace-1/temperature", 900, at: 1_000)
        #expect(fired.first?.annotations["summary"] == "furnace-1: temperature hot")
        #expect(fired.first?.actions == [.mqtt(topic: "factory/s1/l1/furnace-1/cmd", payload: "stop furnace-1", qos: 0, loop: RenderedCommandLoop())])

        for (rules, expected) in [
            ("    when: absent(30s)\n    actions: [{mqtt: {topic: \"x/{device}/{sensor}\", payload: p}}]\n",
             "rule 'r': the mqtt topic uses {sensor}, but rules with absent raise one alarm per device: name the device only, or add group_by: series"),
            ("    when: value > 1\n    group_by: line\n    actions: [{mqtt: {topic: \"x/{line}/{device}\", payload: p}}]\n",
             "rule 'r': the mqtt topic uses {device}, but group_by: line raises one alarm per line: name the line only, or add group_by: series"),
        ] {
            var message = ""
            do { _ = try ruleSet("rules:\n  - name: r\n" + rules) } catch { message = "\(error)" }
            #expect(message.contains(expected), "\(message)")
        }
    }

    @Test("a group's alarm carries the history of the member that tripped it: a sensor seen moments before stays a newcomer to the flood gate")
    func groupCarriesItsTrippingMembersHistory() throws {
        let h = try EngineHarness(Self.silent)
        h.add("press-01", "temperature")
        h.add("press-01", "oil_temp")
        _ = h.read("press-01/temperature", 1, at: 0)
        for second in Int64(1)...100 { _ = h.read("press-01/temperature", 1, at: second * 1_000) }
        _ = h.read("press-01/oil_temp", 40, at: 98_000)
        _ = h.read("press-01/oil_temp", 41, at: 99_000)
        let fired = h.advance(to: 129_000)
        #expect(summary(fired) == ["firing silent press-01/ @129000"])
        #expect(fired.first?.annotations["members"] == "oil_temp")
        #expect(fired.first?.seriesHistoryMillis == 1_000, "oil_temp's, not temperature's 100 s")
    }
}
