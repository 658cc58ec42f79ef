import Testing
import Readings
@testable import Rules

@Suite("Rule engine: alert lifecycle on explicit times")
struct RuleEngineLifecycleTests {
    static let furnace = """
        rules:
          - name: hot
            match: {device: "furnace-*", sensor: temperature}
            when: value > 850
            for: 3s
            clear: value < 820
            severity: critical
        """

    @Test("with for: 3s an alert is pending first and fires when advance reaches the deadline")
    func forFiresOnAdvance() throws {
        let h = try EngineHarness(Self.furnace)
        h.add("furnace-1", "temperature")
        #expect(h.read("furnace-1/temperature", 900, at: 0).isEmpty)
        #expect(h.engine.activeAlerts.map(\.state) == [.pending])
        #expect(h.read("furnace-1/temperature", 901, at: 1_000).isEmpty)
        #expect(h.advance(to: 2_999).isEmpty)
        #expect(summary(h.advance(to: 3_100)) == ["firing hot furnace-1/temperature @3000"])
        #expect(h.engine.activeAlerts.map(\.state) == [.firing])
    }

    @Test("a pending alert fires on a later reading once for has elapsed, without advance")
    func forFiresOnReading() throws {
        let h = try EngineHarness(Self.furnace)
        h.add("furnace-1", "temperature")
        _ = h.read("furnace-1/temperature", 900, at: 0)
        #expect(summary(h.read("furnace-1/temperature", 900, at: 3_500)) == ["firing hot furnace-1/temperature @3500"])
        #expect(h.advance(to: 10_000).isEmpty, "the stale for-deadline does not fire twice")
    }

    @Test("a pending alert goes back to inactive, silently, when the condition fails before for elapses")
    func pendingCancels() throws {
        let h = try EngineHarness(Self.furnace)
        h.add("furnace-1", "temperature")
        _ = h.read("furnace-1/temperature", 900, at: 0)
        #expect(h.read("furnace-1/temperature", 800, at: 2_000).isEmpty)
        #expect(h.advance(to: 10_000).isEmpty)
        #expect(h.engine.activeAlerts.isEmpty)
        // The next episode starts its own for.
        _ = h.read("furnace-1/temperature", 900, at: 11_000)
        #expect(summary(h.advance(to: 14_000)) == ["firing hot furnace-1/temperature @14000"])
    }

    @Test("clear gives hysteresis: the alert stays firing between clear and when thresholds")
    func clearHysteresis() throws {
        let h = try EngineHarness(Self.furnace)
        h.add("furnace-1", "temperature")
        _ = h.read("furnace-1/temperature", 900, at: 0)
        _ = h.advance(to: 3_000)
        #expect(h.read("furnace-1/temperature", 840, at: 4_000).isEmpty, "below when, above clear")
        #expect(h.read("furnace-1/temperature", 820, at: 5_000).isEmpty, "clear is strictly below 820")
        let resolved = h.read("furnace-1/temperature", 819, at: 6_000)
        #expect(summary(resolved) == ["resolved hot furnace-1/temperature @6000"])
        #expect(resolved.first?.startedAtMillis == 3_000 && resolved.first?.endedAtMillis == 6_000)
        #expect(h.engine.activeAlerts.isEmpty)
    }

    @Test("without clear, an alert resolves as soon as when is false")
    func defaultClear() throws {
        let h = try EngineHarness("rules:\n  - {name: hot, when: value > 850}\n")
        h.add("f", "t")
        #expect(summary(h.read("f/t", 851, at: 0)) == ["firing hot f/t @0"])
        #expect(h.read("f/t", 852, at: 1).isEmpty, "no second firing while firing")
        #expect(summary(h.read("f/t", 850, at: 2)) == ["resolved hot f/t @2"])
    }

    @Test("repeat re-notifies every interval while firing, skips missed intervals, and stops on resolve")
    func repeatNotifications() throws {
        let h = try EngineHarness("rules:\n  - {name: hot, when: value > 850, repeat: 10s}\n")
        h.add("f", "t")
        _ = h.read("f/t", 900, at: 0)
        #expect(h.advance(to: 9_999).isEmpty)
        #expect(summary(h.advance(to: 10_000)) == ["repeat hot f/t @10000"])
        #expect(summary(h.advance(to: 35_000)) == ["repeat hot f/t @20000"], "one notification, not a burst")
        #expect(summary(h.advance(to: 40_000)) == ["repeat hot f/t @40000"])
        _ = h.read("f/t", 100, at: 41_000)
        #expect(h.advance(to: 100_000).isEmpty)
    }

    @Test("absent(d) fires d after the last reading, the next reading resolves it, and it can fire again")
    func absentLifecycle() throws {
        let h = try EngineHarness("rules:\n  - {name: silent, when: \"absent(30s)\"}\n")
        h.add("d1", "temperature")
        h.add("d2", "temperature")  // never seen: never reported absent
        _ = h.read("d1/temperature", 20, at: 0)
        _ = h.read("d1/temperature", 21, at: 10_000)
        #expect(h.advance(to: 39_999).isEmpty, "the reading at 10 s moved the deadline")
        let fired = h.advance(to: 45_000)
        #expect(summary(fired) == ["firing silent d1/ @40000"])
        #expect(fired.first?.value == 21, "the last value seen")
        #expect(h.advance(to: 200_000).isEmpty, "fires once per silence")
        #expect(summary(h.read("d1/temperature", 22, at: 201_000)) == ["resolved silent d1/ @201000"])
        #expect(summary(h.advance(to: 231_000)) == ["firing silent d1/ @231000"])
    }

    @Test("an event carries how long its series had reported: a one-shot series none, a silent sensor its readings' span")
    func eventsCarrySeriesHistory() throws {
        let h = try EngineHarness("rules:\n  - {name: silent, when: \"absent(30s)\"}\n  - {name: hot, when: value > 90}\n")
        h.add("d1", "temperature")
        h.add("dev-1", "temperature")
        _ = h.read("d1/temperature", 20, at: 1_000)
        _ = h.read("d1/temperature", 21, at: 11_000)
        #expect(h.read("d1/temperature", 95, at: 12_000).map(\.seriesHistoryMillis) == [11_000])
        _ = h.read("dev-1/temperature", 95, at: 12_500).map(\.seriesHistoryMillis)
        let silent = h.advance(to: 50_000).filter { $0.rule == "silent" }
        #expect(Set(silent.map { "\($0.device) \($0.seriesHistoryMillis)" }) == ["d1 11000", "dev-1 0"])
    }

    @Test("a series' first reading carried to the engine that replaces it keeps its history; one never seen stays new")
    func historySurvivesARebuild() throws {
        let yaml = "rules:\n  - {name: hot, when: value > 90}\n"
        let old = try EngineHarness(yaml)
        old.add("d1", "temperature")
        old.add("d2", "temperature")
        _ = old.read("d1/temperature", 20, at: 1_000)
        let next = try EngineHarness(yaml)
        next.add("d1", "temperature")
        next.add("d2", "temperature")
        for id in 0..<2 {
            if let first = old.engine.firstSeenMillis(of: SeriesID(id)) { next.engine.restoreFirstSeen(first, of: SeriesID(id)) }
        }
        #expect(next.engine.firstSeenMillis(of: 1) == nil)
        #expect(next.read("d1/temperature", 95, at: 9_000).map(\.seriesHistoryMillis) == [8_000])
        #expect(next.read("d2/temperature", 95, at: 9_000).map(\.seriesHistoryMillis) == [0])
    }

    @Test("absent with for: the silence must last d + for")
    func absentWithFor() throws {
        let h = try EngineHarness("rules:\n  - {name: silent, when: \"absent(30s)\", for: 5s}\n")
        h.add("d1", "t")
        _ = h.read("d1/t", 1, at: 0)
        #expect(h.advance(to: 34_999).isEmpty)
        #expect(summary(h.advance(to: 35_000)) == ["firing silent d1/ @35000"])
    }

    @Test("absent joined with or: the other side fires on readings, absent on silence")
    func absentOr() throws {
        let h = try EngineHarness("rules:\n  - {name: bad, when: \"absent(10s) or value > 100\"}\n")
        h.add("d", "s")
        #expect(summary(h.read("d/s", 101, at: 0)) == ["firing bad d/ @0"])
        #expect(summary(h.read("d/s", 50, at: 1_000)) == ["resolved bad d/ @1000"])
        #expect(summary(h.advance(to: 11_000)) == ["firing bad d/ @11000"])
    }

    @Test("window functions see the series' recent readings")
    func windowRule() throws {
        let h = try EngineHarness("rules:\n  - {name: vib, when: \"avg(5s) > 7.1\"}\n")
        h.add("m", "vibration")
        #expect(h.read("m/vibration", 7, at: 0).isEmpty, "avg 7")
        #expect(summary(h.read("m/vibration", 7.3, at: 1_000)) == ["firing vib m/vibration @1000"], "avg 7.15")
        #expect(h.read("m/vibration", 7.2, at: 2_000).isEmpty, "avg 7.1666…, still firing")
        // At 6.5 s the samples at 0 and 1 s have left the 5 s window: avg of 7.2 and 1.
        #expect(summary(h.read("m/vibration", 1, at: 6_500)) == ["resolved vib m/vibration @6500"])
    }

    @Test("an event carries the rule's labels, rendered annotations and actions, and one stable alert id")
    func eventContents() throws {
        let h = try EngineHarness("""
            rules:
              - name: hot
                when: value > 850
                severity: critical
                labels: {team: furnace}
                annotations: {summary: "{device} at {site}/{line} is {value}°C ({rule}, {severity}, {sensor})"}
                actions:
                  - webhook: default
                  - mqtt: {topic: "factory/{site}/{line}/{device}/cmd", payload: '{"cmd":"stop","rule":"{rule}"}', qos: 1}
            """)
        h.add("furnace-1", "temperature", site: "plant", line: "L2")
        let fired = try #require(h.read("furnace-1/temperature", 851.5, at: 1_000).first)
        #expect(fired.kind == .firing && fired.severity == .critical && fired.ruleIndex == 0)
        #expect(fired.labels == ["team": "furnace"])
        #expect(fired.annotations == ["summary": "furnace-1 at plant/L2 is 851.5°C (hot, critical, temperature)"])
        #expect(fired.actions == [
            .webhook(receiver: "default"),
            .mqtt(topic: "factory/plant/L2/furnace-1/cmd", payload: #"{"cmd":"stop","rule":"hot"}"#, qos: 1, loop: RenderedCommandLoop()),
        ])
        #expect(fired.alertID.count == 16 && fired.endedAtMillis == nil)
        let resolved = try #require(h.read("furnace-1/temperature", 800, at: 2_000).first)
        #expect(resolved.alertID == fired.alertID)
        #expect(resolved.annotations["summary"]?.hasPrefix("furnace-1 at plant/L2 is 800°C") == true)
        #expect(fired.alertID == AlertIdentity.id(
            rule: "hot", site: "plant", line: "L2", device: "furnace-1", sensor: "temperature", startedAtMillis: 1_000))
        #expect(fired.alertID != AlertIdentity.id(
            rule: "hot", site: "plant", line: "L2", device: "furnace-1", sensor: "temperature", startedAtMillis: 1_001))
    }
}
