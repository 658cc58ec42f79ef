import Readings
@testable import Rules
import Testing

@Suite("Rule engine: chattering alarms are flagged and damped")
struct RuleEngineChatterTests {
    static let rules = """
        rules:
          - name: overpressure
            match: {sensor: pressure}
            when: value > 100
            clear: value < 90
            severity: warning
            actions:
              - webhook: oncall
        """

    @Test("the third start within a minute is flagged chattering; from then the alarm stays firing while it toggles, and resolves once clear for a minute, with the toggles it held back")
    func flaggedThenDamped() throws {
        let h = try EngineHarness(Self.rules)
        h.add("pump-1", "pressure")
        var all: [AlertEvent] = []
        // Three starts within a minute: 0 s, 10 s, 20 s (each clears in between).
        for start in [Int64(0), 10_000, 20_000] {
            all += h.read("pump-1/pressure", 150, at: start)
            if start < 20_000 { all += h.read("pump-1/pressure", 50, at: start + 1_000) }
        }
        #expect(summary(all) == [
            "firing overpressure pump-1/pressure @0", "resolved overpressure pump-1/pressure @1000",
            "firing overpressure pump-1/pressure @10000", "resolved overpressure pump-1/pressure @11000",
            "firing overpressure pump-1/pressure @20000",
        ])
        #expect(all.prefix(4).allSatisfy { $0.annotations[RuleEngine.chatteringAnnotation] == nil })
        #expect(all.last?.annotations[RuleEngine.chatteringAnnotation] == "3 starts within 60000 ms: held firing until clear for 60000 ms")
        #expect(h.engine.chatteringStarted == 1)

        // It goes on toggling every few seconds: nothing is sent, the toggles are counted.
        var damped: [AlertEvent] = []
        for second in stride(from: Int64(21), through: 60, by: 3) {
            damped += h.read("pump-1/pressure", second % 2 == 0 ? 150 : 50, at: second * 1_000)
            damped += h.advance(to: second * 1_000 + 500)
        }
        #expect(damped.isEmpty, "\(summary(damped))")
        #expect(h.engine.dampedToggles > 0)
        let heldBack = h.engine.dampedToggles
        #expect(h.engine.activeAlerts.map(\.state) == [.firing])

        // Clear from 61 s on: still firing at 61 s + 59.999 s, resolved at 61 s + 60 s.
        _ = h.read("pump-1/pressure", 50, at: 61_000)
        #expect(h.advance(to: 120_999).isEmpty)
        let resolved = h.advance(to: 121_000)
        #expect(summary(resolved) == ["resolved overpressure pump-1/pressure @121000"])
        #expect(resolved.first?.alertID == all.last?.alertID, "the same alarm resolves")
        #expect(resolved.first?.annotations[RuleEngine.chatteringAnnotation] == "ended after 60000 ms clear; \(heldBack) toggles held back")

        // Calm again: the next start is an ordinary alarm that resolves at once when clear.
        let next = h.read("pump-1/pressure", 150, at: 200_000) + h.read("pump-1/pressure", 50, at: 201_000)
        #expect(summary(next) == ["firing overpressure pump-1/pressure @200000", "resolved overpressure pump-1/pressure @201000"])
        #expect(next.allSatisfy { $0.annotations[RuleEngine.chatteringAnnotation] == nil })
    }

    @Test("starts that straddle two windows count as within a minute: 0 s, 50 s, 70 s, 80 s chatters at 80 s (50, 70, 80)")
    func slidingEstimate() throws {
        let h = try EngineHarness(Self.rules)
        h.add("pump-1", "pressure")
        var events: [AlertEvent] = []
        for start in [Int64(0), 50_000, 70_000, 80_000] {
            events += h.read("pump-1/pressure", 150, at: start)
            events += h.read("pump-1/pressure", 50, at: start + 1_000)
        }
        let flagged = events.filter { $0.annotations[RuleEngine.chatteringAnnotation] != nil }
        #expect(summary(flagged) == ["firing overpressure pump-1/pressure @80000"])
    }

    @Test("episodes that start in the same millisecond (a burst of buffered readings) get distinct ids: the later starts 1 ms on")
    func sameMillisecondEpisodesDiffer() throws {
        let h = try EngineHarness(Self.rules, options: .init(chatterStarts: 0))
        h.add("pump-1", "pressure")
        let events = h.read("pump-1/pressure", 150, at: 5_000) + h.read("pump-1/pressure", 50, at: 5_000)
            + h.read("pump-1/pressure", 150, at: 5_000) + h.read("pump-1/pressure", 50, at: 5_000)
        #expect(summary(events) == [
            "firing overpressure pump-1/pressure @5000", "resolved overpressure pump-1/pressure @5000",
            "firing overpressure pump-1/pressure @5001", "resolved overpressure pump-1/pressure @5001",
        ])
        #expect(Set(events.map(\.alertID)).count == 2)
        #expect(events[2].startedAtMillis == 5_001)
    }

    @Test("starts spread wider than the window never chatter; 0 turns damping off")
    func spreadOrOff() throws {
        let spread = try EngineHarness(Self.rules)
        spread.add("pump-1", "pressure")
        let off = try EngineHarness(Self.rules, options: .init(chatterStarts: 0))
        off.add("pump-1", "pressure")
        var spreadEvents: [AlertEvent] = []
        var offEvents: [AlertEvent] = []
        for index in Int64(0)..<6 {
            spreadEvents += spread.read("pump-1/pressure", 150, at: index * 40_000)
            spreadEvents += spread.read("pump-1/pressure", 50, at: index * 40_000 + 1_000)
            offEvents += off.read("pump-1/pressure", 150, at: index * 1_000)
            offEvents += off.read("pump-1/pressure", 50, at: index * 1_000 + 500)
        }
        #expect(spreadEvents.count == 12 && offEvents.count == 12)
        #expect((spreadEvents + offEvents).allSatisfy { $0.annotations[RuleEngine.chatteringAnnotation] == nil })
        #expect(spread.engine.chatteringStarted == 0 && off.engine.chatteringStarted == 0)
    }
}
