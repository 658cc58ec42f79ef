import Readings
@testable import Rules
import Testing

@Suite("Rule engine: alerts of removed rules")
struct RuleEngineRetireTests {
    static let rules = """
        rules:
          - name: hot
            match: {sensor: temperature}
            when: value > 850
            severity: critical
            annotations: {summary: "{device} is {value}"}
            actions:
              - webhook: oncall
          - name: slow-hot
            match: {sensor: temperature}
            when: value > 850
            for: 10s
            severity: warning
          - name: stays
            match: {sensor: pressure}
            when: value > 10
            severity: warning
        """

    @Test("a reload without a rule resolves its firing alerts with their ids, receivers and resolved_by; pending ones end silently; other rules' alerts stay")
    func firingResolvesPendingEnds() throws {
        let h = try EngineHarness(Self.rules)
        h.add("furnace-1", "temperature")
        h.add("press-1", "pressure")
        let fired = h.read("furnace-1/temperature", 900, at: 1_000)
        #expect(summary(fired) == ["firing hot furnace-1/temperature @1000"])  // slow-hot is pending
        _ = h.read("press-1/pressure", 12, at: 1_000)

        var events: [AlertEvent] = []
        let unknown = h.engine.retire(rulesNotIn: ["stays"], atMillis: 5_000, reason: "gone", into: &events)
        #expect(unknown.isEmpty)
        #expect(summary(events) == ["resolved hot furnace-1/temperature @5000"])
        #expect(events[0].alertID == fired[0].alertID)
        #expect(events[0].endedAtMillis == 5_000)
        #expect(events[0].annotations == ["summary": "furnace-1 is 900", RuleEngine.resolvedByAnnotation: "gone"])
        #expect(events[0].actions == [.webhook(receiver: "oncall")])
        #expect(h.engine.activeAlerts.map(\.rule) == ["stays"])
        // Nothing of them is left to fire later: the pending one's `for` runs out silently.
        #expect(h.advance(to: 60_000).isEmpty)
    }

    @Test("alerts restored for series not seen yet resolve when the engine has their rule; those of a rule it never had are handed back")
    func restoredAlerts() throws {
        let h = try EngineHarness(Self.rules)
        let restoredHot = ActiveAlert(
            rule: "hot", site: "s1", line: "l1", device: "furnace-9", sensor: "temperature", state: .firing, sinceMillis: 100, value: 870)
        let restoredPending = ActiveAlert(
            rule: "slow-hot", site: "s1", line: "l1", device: "furnace-9", sensor: "temperature", state: .pending, sinceMillis: 100, value: 870)
        let orphan = ActiveAlert(
            rule: "deleted-long-ago", site: "s1", line: "l1", device: "pump-2", sensor: "", state: .firing, sinceMillis: 50, value: 3)
        let kept = ActiveAlert(
            rule: "stays", site: "s1", line: "l1", device: "press-2", sensor: "pressure", state: .firing, sinceMillis: 200, value: 11)
        h.engine.restore([restoredHot, restoredPending, orphan, kept])

        var events: [AlertEvent] = []
        let unknown = h.engine.retire(rulesNotIn: ["stays"], atMillis: 9_000, reason: "gone", into: &events)
        #expect(unknown == [orphan])
        #expect(summary(events) == ["resolved hot furnace-9/temperature @9000"])
        #expect(events.first?.alertID == restoredHot.alertID)
        #expect(events.first?.annotations["summary"] == "furnace-9 is 870")
        #expect(h.engine.activeAlerts == [kept])

        // Once retired, a second call finds nothing.
        events.removeAll()
        #expect(h.engine.retire(rulesNotIn: ["stays"], atMillis: 9_500, reason: "gone", into: &events).isEmpty)
        #expect(events.isEmpty)
    }
}
