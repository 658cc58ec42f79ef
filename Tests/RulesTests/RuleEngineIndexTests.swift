import Readings
import Testing
@testable import Rules

@Suite("Rule engine: index, device-scoped alerts and restore")
struct RuleEngineIndexTests {
    @Test("a rule matching furnace-* never sees press-01's readings")
    func indexSkipsNonMatchingSeries() throws {
        let h = try EngineHarness("""
            rules:
              - {name: hot, match: {device: "furnace-*", sensor: temperature}, when: value > 850}
              - {name: any-gas, match: {sensor: gas_ppm}, when: value > 400}
            """)
        h.add("press-01", "temperature")
        h.add("furnace-01", "temperature")
        h.add("furnace-01", "vibration")
        for n in 0..<100 { _ = h.read("press-01/temperature", 900, at: Int64(n)) }
        #expect(h.engine.evaluations == 0)
        #expect(h.engine.activeAlerts.isEmpty)
        _ = h.read("furnace-01/vibration", 900, at: 100)
        #expect(h.engine.evaluations == 0, "the sensor glob excludes vibration")
        _ = h.read("furnace-01/temperature", 900, at: 101)
        #expect(h.engine.evaluations == 1)
        #expect(h.engine.readings == 102)
    }

    @Test("readings for an unregistered series are counted and ignored")
    func unregisteredSeries() throws {
        let h = try EngineHarness("rules:\n  - {name: a, when: value > 1}\n")
        var events: [AlertEvent] = []
        h.engine.evaluate(series: 7, value: 5, atMillis: 0, into: &events)
        #expect(events.isEmpty && h.engine.unregisteredReadings == 1)
    }

    @Test("a named-sensor rule gives one alert per device, evaluated on each reading of any of its sensors")
    func deviceScopedAlerts() throws {
        let h = try EngineHarness("""
            rules:
              - {name: fire-risk, match: {device: "*"}, when: "temperature > 60 and smoke > 0.08", severity: critical}
            """)
        for device in ["d1", "d2"] {
            h.add(device, "temperature")
            h.add(device, "smoke")
            h.add(device, "humidity")
        }
        #expect(h.read("d1/temperature", 65, at: 0).isEmpty, "smoke unknown (NaN) yet")
        #expect(h.read("d2/smoke", 0.09, at: 1).isEmpty, "another device's smoke does not count")
        let fired = h.read("d1/smoke", 0.09, at: 2)
        #expect(summary(fired) == ["firing fire-risk d1/ @2"])
        #expect(fired.first?.sensor == "")
        #expect(h.read("d1/humidity", 40, at: 3).isEmpty, "still one alert, still firing")
        #expect(h.engine.activeAlerts.map { "\($0.device)/\($0.sensor)" } == ["d1/"])
        #expect(summary(h.read("d1/humidity", 40, at: 4)).isEmpty)
        #expect(summary(h.read("d1/temperature", 50, at: 5)) == ["resolved fire-risk d1/ @5"])
        #expect(h.engine.evaluations == 6)
    }

    @Test("several rules share one window buffer per duration on a series")
    func sharedBuffers() throws {
        let h = try EngineHarness("""
            rules:
              - {name: a, when: "avg(5s) > 10"}
              - {name: b, when: "max(5s) > 20 or min(10s) < 0"}
              - {name: c, when: "rate(10s) > 1"}
            """)
        h.add("d", "s")
        #expect(h.engine.buffers.count == 2)
        _ = h.read("d/s", 25, at: 0)
        #expect(Set(h.engine.activeAlerts.map(\.rule)) == ["a", "b"])
    }

    @Test("restored firing alerts stay firing without a new firing event, and resolve normally")
    func restoreDoesNotRefire() throws {
        let yaml = "rules:\n  - {name: hot, when: value > 850, repeat: 1m}\n"
        let first = try EngineHarness(yaml)
        first.add("f", "t")
        let fired = try #require(first.read("f/t", 900, at: 1_000).first)
        let saved = first.engine.activeAlerts
        #expect(saved == [ActiveAlert(
            rule: "hot", site: "s1", line: "l1", device: "f", sensor: "t", state: .firing, sinceMillis: 1_000, value: 900,
            lastNotifiedMillis: 1_000)])
        #expect(saved[0].alertID == fired.alertID)

        // Restored before the series is registered (a restart) …
        let second = try EngineHarness(yaml)
        second.engine.restore(saved)
        #expect(second.engine.activeAlerts == saved, "kept while the series is unknown")
        second.add("f", "t")
        #expect(second.read("f/t", 950, at: 5_000).isEmpty, "no re-fire")
        #expect(summary(second.advance(to: 61_000)) == ["repeat hot f/t @61000"], "the repeat schedule carries over")
        let resolved = second.read("f/t", 10, at: 62_000)
        #expect(summary(resolved) == ["resolved hot f/t @62000"])
        #expect(resolved.first?.alertID == fired.alertID && resolved.first?.startedAtMillis == 1_000)

        // … or after (a rule reload).
        let third = try EngineHarness(yaml)
        third.add("f", "t")
        third.engine.restore(saved)
        #expect(third.read("f/t", 950, at: 5_000).isEmpty)
        #expect(third.engine.activeAlerts.map(\.state) == [.firing])
    }

    @Test("adopting another engine's alerts drops this engine's own silently, keeps the adopted firing, and resolves each once with its id")
    func adoptReplacesTheActiveSet() throws {
        let yaml = "rules:\n  - {name: hot, when: value > 850}\n"
        let old = try EngineHarness(yaml)
        old.add("f", "t")
        old.add("g", "t")
        let fired = try #require(old.read("f/t", 900, at: 1_000).first)
        let handedOver = old.engine.activeAlerts

        // The standby's engine still has an alert of its own from when it was active (since resolved by the other).
        let taker = try EngineHarness(yaml)
        taker.add("g", "t")
        taker.add("f", "t")
        #expect(taker.read("g/t", 900, at: 500).count == 1)
        taker.engine.adopt(handedOver)
        #expect(taker.engine.activeAlerts == handedOver)
        #expect(taker.read("f/t", 950, at: 2_000).isEmpty, "no second firing for the hazard in progress")
        #expect(taker.read("g/t", 10, at: 2_001).isEmpty, "its own stale alert is gone without a resolve")
        let resolved = taker.read("f/t", 10, at: 3_000)
        #expect(summary(resolved) == ["resolved hot f/t @3000"])
        #expect(resolved.first?.alertID == fired.alertID)
        #expect(taker.engine.activeAlerts.isEmpty)
        #expect(summary(taker.read("g/t", 900, at: 4_000)) == ["firing hot g/t @4000"], "a new hazard fires as usual")
    }

    @Test("a restored pending alert keeps its for start")
    func restorePending() throws {
        let yaml = "rules:\n  - {name: hot, when: value > 850, for: 10s}\n"
        let h = try EngineHarness(yaml)
        h.add("f", "t")
        h.engine.restore([ActiveAlert(rule: "hot", site: "s1", line: "l1", device: "f", sensor: "t", state: .pending, sinceMillis: 0, value: 900)])
        #expect(h.read("f/t", 900, at: 4_000).isEmpty)
        #expect(summary(h.advance(to: 10_000)) == ["firing hot f/t @10000"])
    }

    @Test("a restored alert for a rule that no longer exists never fires but is kept")
    func restoreUnknownRule() throws {
        let h = try EngineHarness("rules:\n  - {name: other, when: value > 1}\n")
        let gone = ActiveAlert(rule: "gone", site: "s1", line: "l1", device: "f", sensor: "t", state: .firing, sinceMillis: 0, value: 1)
        h.engine.restore([gone])
        h.add("f", "t")
        #expect(summary(h.read("f/t", 0, at: 1)).isEmpty)
        #expect(h.engine.activeAlerts == [gone])
    }

    @Test("an engine with no rules ignores readings")
    func emptyRuleSet() {
        let engine = RuleEngine(rules: .empty)
        engine.register(series: 0, Series(site: "s", line: "l", device: "d", sensor: "t"))
        var events: [AlertEvent] = []
        engine.evaluate(series: 0, value: 1, atMillis: 0, into: &events)
        engine.advance(toMillis: 1_000_000, into: &events)
        #expect(events.isEmpty && engine.evaluations == 0 && engine.readings == 1)
    }

    @Test("non-finite readings count for absent but stay out of windows")
    func nonFiniteReadings() throws {
        let h = try EngineHarness("rules:\n  - {name: a, when: \"count(10s) >= 2\"}\n  - {name: gone, when: \"absent(5s)\"}\n")
        h.add("d", "s")
        _ = h.read("d/s", 1, at: 0)
        #expect(h.read("d/s", .nan, at: 4_000).isEmpty, "NaN not counted in the window")
        #expect(h.advance(to: 8_999).isEmpty, "the NaN reading moved the absent deadline to 9 s")
        #expect(summary(h.advance(to: 9_000)) == ["firing gone d/ @9000"])
    }
}
