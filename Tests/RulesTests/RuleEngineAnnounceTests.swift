import Readings
@testable import Rules
import Testing

@Suite("Rule engine: announcing held-back alarms")
struct RuleEngineAnnounceTests {
    static let rules = """
        rules:
          - name: hot
            match: {sensor: temperature}
            when: value > 850
            severity: critical
            annotations: {summary: "{device} is {value}"}
            actions:
              - webhook: oncall
              - mqtt: {topic: "factory/{device}/cmd", payload: stop}
        """

    @Test("announce makes a repeat, with its actions rendered, only for the firing alerts named, and nothing for resolved or unknown ids")
    func announcesOnlyTheFiringAlertsNamed() throws {
        let h = try EngineHarness(Self.rules)
        h.add("furnace-1", "temperature")
        h.add("furnace-2", "temperature")
        h.add("furnace-3", "temperature")
        let one = h.read("furnace-1/temperature", 900, at: 1_000)
        let two = h.read("furnace-2/temperature", 900, at: 1_000)
        let three = h.read("furnace-3/temperature", 900, at: 1_000)
        _ = h.read("furnace-3/temperature", 100, at: 2_000)  // resolved

        var events: [AlertEvent] = []
        let announced = h.engine.announce(
            alertIDs: [one[0].alertID, three[0].alertID, "0000000000000000"], atMillis: 5_000, into: &events)
        #expect(announced == [one[0].alertID])
        #expect(summary(events) == ["repeat hot furnace-1/temperature @5000"])
        #expect(events[0].alertID == one[0].alertID)
        #expect(events[0].startedAtMillis == 1_000)
        #expect(events[0].annotations == ["summary": "furnace-1 is 900"])
        #expect(events[0].actions.count == 2)
        #expect(two[0].alertID != one[0].alertID)
        #expect(h.engine.announce(alertIDs: [], atMillis: 6_000, into: &events).isEmpty)
    }
}
