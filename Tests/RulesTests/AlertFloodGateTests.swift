import Rules
import Testing

@Suite("AlertFloodGate")
struct AlertFloodGateTests {
    func event(_ kind: AlertEvent.Kind, rule: String = "silent", device: Int, at: Int64, history: Int64 = 0) -> AlertEvent {
        AlertEvent(
            kind: kind, alertID: "\(rule)-\(device)", ruleIndex: 0, rule: rule, severity: .warning, site: "seoul", line: "l1",
            device: "d\(device)", sensor: "t", value: 1, startedAtMillis: at, endedAtMillis: kind == .resolved ? at : nil, atMillis: at,
            labels: [:], annotations: [:], actions: [.webhook(receiver: "default"), .mqtt(topic: "x/cmd", payload: "{}", qos: 1, loop: RenderedCommandLoop())],
            seriesHistoryMillis: history)
    }

    @Test("up to the limit per minute every notification passes; past it one flood alert is raised and the rest are counted, not sent")
    func floodBecomesOneAlert() throws {
        var gate = AlertFloodGate(maxPerMinute: 3)
        var decisions: [AlertFloodGate.Decision] = []
        for device in 0..<1_000 { decisions.append(gate.admit(event(.firing, device: device, at: 1_000 + Int64(device)), nowMillis: 1_000 + Int64(device))) }
        #expect(decisions.prefix(3).allSatisfy { $0 == .pass })
        guard case .suppressAndRaise(let flood) = decisions[3] else { Issue.record("no flood alert: \(decisions[3])"); return }
        #expect(decisions.dropFirst(4).allSatisfy { $0 == .suppress })
        #expect(gate.suppressedTotal == 997)
        #expect(flood.rule == "silent" && flood.kind == .firing && flood.device == "" && flood.site == "seoul")
        #expect(flood.labels["flood"] == "true")
        #expect(flood.actions == [.webhook(receiver: "default")], "the flood alert itself sends no stop command")
        // Another rule is not affected.
        #expect(gate.admit(event(.firing, rule: "overheat", device: 1, at: 2_000), nowMillis: 2_000) == .pass)
        // A suppressed alert's resolve is suppressed; a sent one's resolve is sent.
        #expect(gate.admit(event(.resolved, device: 500, at: 3_000), nowMillis: 3_000) == .suppress)
        #expect(gate.admit(event(.resolved, device: 1, at: 3_000), nowMillis: 3_000) == .pass)
        #expect(gate.admit(event(.repeat, device: 600, at: 3_000), nowMillis: 3_000) == .suppress)
    }

    @Test("a rule's flood names its first out: the alarm that opened the minute that flooded")
    func firstOut() throws {
        var gate = AlertFloodGate(maxPerMinute: 3)
        var raised: AlertEvent?
        for device in 0..<10 {
            if case .suppressAndRaise(let flood) = gate.admit(event(.firing, device: device, at: 1_000 + Int64(device), history: 60_000), nowMillis: 1_000 + Int64(device)) {
                raised = flood
            }
        }
        let flood = try #require(raised)
        #expect(flood.annotations["first_out"] == "silent at seoul/l1/d0/t")
        #expect(flood.annotations["first_out_alert_id"] == "silent-0")
    }

    @Test("a site's lane: past its limit over every rule, one critical site flood alarm with the first out, and every rule's further alarms of the site are counted; newcomers' alarms are left to their rule's lane; it resolves after a calm minute")
    func siteFlood() throws {
        var gate = AlertFloodGate(maxPerMinute: 1_000, maxPerSitePerMinute: 10)
        var decisions: [AlertFloodGate.Decision] = []
        // 1,000 alarms within a minute, over 50 rules.
        for device in 0..<1_000 {
            let at = 1_000 + Int64(device) * 50
            decisions.append(gate.admit(event(.firing, rule: "rule-\(device % 50)", device: device, at: at, history: 60_000), nowMillis: at))
        }
        #expect(decisions.prefix(10).allSatisfy { $0 == .pass })
        guard case .suppressAndRaise(let flood) = decisions[10] else { Issue.record("no site flood: \(decisions[10])"); return }
        #expect(decisions.dropFirst(11).allSatisfy { $0 == .suppress }, "one flood alarm for 1,000")
        #expect(flood.rule == AlertFloodGate.siteFloodRule && flood.severity == .critical && flood.site == "seoul" && flood.labels["flood_of"] == "site")
        #expect(flood.annotations["first_out"] == "rule-0 at seoul/l1/d0/t")
        #expect(gate.suppressedTotal == 990)
        // A newcomer's alarm is not the site's to hold back.
        #expect(gate.admit(event(.firing, rule: "silent", device: 5_000, at: 51_000, history: 0), nowMillis: 51_000) == .pass)
        // The resolve of a suppressed alarm is suppressed by the site lane.
        #expect(gate.admit(event(.resolved, rule: "rule-20", device: 20, at: 52_000), nowMillis: 52_000) == .suppress)
        // A calm minute later the site flood resolves with its count.
        #expect(gate.advance(toMillis: 100_000).isEmpty, "the minute after an over-limit one")
        let resolved = gate.advance(toMillis: 200_000)
        #expect(resolved.map(\.rule) == [AlertFloodGate.siteFloodRule] && resolved.first?.kind == .resolved)
        #expect(resolved.first?.annotations["suppressed"] == "991")
        #expect(gate.admit(event(.firing, rule: "rule-1", device: 1, at: 200_001, history: 60_000), nowMillis: 200_001) == .pass)
    }

    @Test("the flood alert resolves with the count once a whole minute passes within the limit")
    func floodEnds() throws {
        var gate = AlertFloodGate(maxPerMinute: 2)
        for device in 0..<10 { _ = gate.admit(event(.firing, device: device, at: 0), nowMillis: 0) }
        #expect(gate.isFlooding)
        #expect(gate.advance(toMillis: 30_000).isEmpty)
        // The next minute is over the limit again: still flooding after it.
        for device in 10..<15 { _ = gate.admit(event(.firing, device: device, at: 61_000), nowMillis: 61_000) }
        #expect(gate.advance(toMillis: 100_000).isEmpty)
        #expect(gate.advance(toMillis: 121_500).isEmpty)  // the over-limit minute ended 500 ms ago: wait for a calm one
        let ended = gate.advance(toMillis: 181_001)
        #expect(ended.count == 1)
        #expect(ended.first?.kind == .resolved && ended.first?.annotations["suppressed"] == "13")
        #expect(!gate.isFlooding)
        // Calm again: notifications pass.
        #expect(gate.admit(event(.firing, device: 99, at: 200_000), nowMillis: 200_000) == .pass)
    }

    @Test("a limit of 0 turns the gate off")
    func off() {
        var gate = AlertFloodGate(maxPerMinute: 0)
        for device in 0..<500 { #expect(gate.admit(event(.firing, device: device, at: 0), nowMillis: 0) == .pass) }
    }

    @Test("a flood of one-shot series going silent does not hold back the silent alert of a sensor with a history, nor count against its lane")
    func newcomerFloodKeepsEstablishedAlerts() throws {
        var gate = AlertFloodGate(maxPerMinute: 3, newcomerHistoryMillis: 5_000)
        var decisions: [AlertFloodGate.Decision] = []
        for device in 0..<1_000 {
            decisions.append(gate.admit(event(.firing, device: device, at: 30_000 + Int64(device), history: 0), nowMillis: 30_000 + Int64(device)))
        }
        guard case .suppressAndRaise(let flood) = decisions[3] else { Issue.record("no flood alert: \(decisions[3])"); return }
        #expect(flood.labels["flood_of"] == "new_series")
        #expect(flood.annotations["summary"]?.contains("first seen moments before") == true)
        // In the same minute, a press that had reported for 10 s falls silent: its alert is sent.
        #expect(gate.admit(event(.firing, device: 5_000, at: 31_500, history: 10_000), nowMillis: 31_500) == .pass)
        // ...and so are the next two of its kind; the fourth floods that lane with its own flood alert.
        #expect(gate.admit(event(.firing, device: 5_001, at: 31_600, history: 60_000), nowMillis: 31_600) == .pass)
        #expect(gate.admit(event(.firing, device: 5_002, at: 31_700, history: 5_000), nowMillis: 31_700) == .pass)
        guard case .suppressAndRaise(let second) = gate.admit(event(.firing, device: 5_003, at: 31_800, history: 7_000), nowMillis: 31_800)
        else { Issue.record("the lane with a history did not flood on its own"); return }
        #expect(second.labels["flood_of"] == "series")
        #expect(second.alertID != flood.alertID)
        // A suppressed newcomer's resolve stays suppressed; the sent press's resolve is sent.
        #expect(gate.admit(event(.resolved, device: 999, at: 40_000, history: 9_000), nowMillis: 40_000) == .suppress)
        #expect(gate.admit(event(.resolved, device: 5_000, at: 40_000, history: 20_000), nowMillis: 40_000) == .pass)
        #expect(gate.suppressedTotal == 997 + 1 + 1)
        // Both floods end, each with its own count.
        let ended = gate.advance(toMillis: 152_000)
        #expect(Set(ended.map { $0.annotations["suppressed"] ?? "" }) == ["998", "1"])
    }
}
