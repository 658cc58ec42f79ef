import SimulatorCore
import Testing

@Suite("Matching alerts to injected hazards")
struct AlertMatcherTests {
    static let overheat = AlertVerification.Hazard(
        type: "overheat", rule: "overheat", site: "seoul", line: "line1", device: "press-03", startMillis: 10_000, endMillis: 20_000)
    static let burst = AlertVerification.Hazard(
        type: "vibration-burst", rule: "vib-high", site: "seoul", line: "line1", device: "press-05", startMillis: 30_000, endMillis: 36_000)

    static func alert(
        _ id: String, rule: String = "overheat", device: String = "press-03", notification: String = "firing", started: Int64,
        readingTs: Int64? = nil, seq: Int64? = nil, received: Int64, webhookID: String? = nil
    ) -> AlertVerification.Alert {
        AlertVerification.Alert(
            webhookID: webhookID ?? "msg_\(id)_\(notification)_\(started)", alertID: id, rule: rule, site: "seoul", line: "line1",
            device: device, sensor: "temperature", notification: notification, startedAtMillis: started, readingTsMillis: readingTs,
            seq: seq, receivedAtMicros: received)
    }

    static func percentiles(_ values: [Int64]) -> AlertVerification.Latency? {
        guard let max = values.max() else { return nil }
        return AlertVerification.Latency(count: values.count, p50: 0, p90: 0, p99: Double(max) / 1_000, max: Double(max) / 1_000)
    }

    @Test("a hazard whose rule fired for its device within its window (plus grace) is detected; others are missed")
    func recall() {
        let result = AlertMatcher.verify(
            hazards: [Self.overheat, Self.burst],
            alerts: [Self.alert("a", started: 12_000, readingTs: 11_990, received: 11_995_000)],
            commands: [], badSignatures: 0, graceMillis: 5_000, latency: Self.percentiles)
        #expect(result.detected == 1)
        #expect(result.missed == [Self.burst])
        #expect(result.recall == 0.5)
        #expect(result.precision == 1)
    }

    @Test("an alert no hazard explains is a false alert: wrong device, wrong rule, or long after the hazard")
    func falseAlerts() {
        let result = AlertMatcher.verify(
            hazards: [Self.overheat],
            alerts: [
                Self.alert("ok", started: 19_000, received: 19_010_000),
                Self.alert("late", started: 26_000, received: 26_010_000),
                Self.alert("other-device", device: "press-04", started: 12_000, received: 12_010_000),
                Self.alert("other-rule", rule: "silent", started: 12_000, received: 12_010_000),
            ],
            commands: [], badSignatures: 2, graceMillis: 5_000, latency: Self.percentiles)
        #expect(result.firingAlerts == 4)
        #expect(result.matchedAlerts == 1)
        #expect(result.falseAlerts.map(\.rule).sorted() == ["overheat", "overheat", "silent"])
        #expect(result.precision == 0.25)
        #expect(result.badSignatures == 2)
    }

    @Test("a delivery repeated with the same webhook-id counts once; repeats and resolves are not new alerts")
    func duplicates() {
        let firing = Self.alert("a", started: 12_000, received: 12_010_000, webhookID: "msg_1")
        let result = AlertMatcher.verify(
            hazards: [Self.overheat],
            alerts: [firing, firing, Self.alert("a", notification: "repeat", started: 12_000, received: 14_000_000),
                     Self.alert("a", notification: "resolved", started: 12_000, received: 21_000_000)],
            commands: [], badSignatures: 0, graceMillis: 0, latency: Self.percentiles)
        #expect(result.webhooksReceived == 3)
        #expect(result.firingAlerts == 1)
        #expect(result.resolvedAlerts == 1)
    }

    @Test("a second alert for the same rule and place while the first still fires, and an alert resolved twice, are reported (two edges alerting for one condition)")
    func repeatedAcrossEdges() {
        let result = AlertMatcher.verify(
            hazards: [Self.overheat],
            alerts: [
                Self.alert("a", started: 12_000, received: 12_010_000),
                // Another engine raises its own alert for the same hazard before "a" resolved …
                Self.alert("b", started: 14_000, received: 14_010_000),
                Self.alert("b", notification: "resolved", started: 14_000, received: 17_000_000),
                // … and "a" is resolved by two edges.
                Self.alert("a", notification: "resolved", started: 12_000, received: 18_000_000, webhookID: "r1"),
                Self.alert("a", notification: "resolved", started: 12_000, received: 18_100_000, webhookID: "r2"),
                // After both resolved, a new alert of the same place is not a repeat; another sensor is another place.
                Self.alert("c", started: 30_000, received: 30_010_000),
                Self.alert("d", device: "press-04", started: 14_500, received: 14_510_000),
            ],
            commands: [], badSignatures: 0, graceMillis: 30_000, latency: Self.percentiles)
        #expect(result.repeatedAlerts.map(\.startedAtMillis) == [14_000])
        #expect(result.resolvedTwice == ["a"])

        let single = AlertMatcher.verify(
            hazards: [Self.overheat],
            alerts: [
                Self.alert("a", started: 12_000, received: 12_010_000),
                Self.alert("a", notification: "resolved", started: 12_000, received: 13_000_000),
                Self.alert("b", started: 14_000, received: 14_010_000),
            ],
            commands: [], badSignatures: 0, graceMillis: 30_000, latency: Self.percentiles)
        #expect(single.repeatedAlerts.isEmpty && single.resolvedTwice.isEmpty, "one engine's alerts one after the other")
    }

    @Test("latency runs from the reading's publish when known, else its ts; timer alerts are timed from when they fell due")
    func latencies() {
        let result = AlertMatcher.verify(
            hazards: [Self.overheat],
            alerts: [
                Self.alert("published", started: 12_000, readingTs: 11_990, seq: 7, received: 12_004_000),
                Self.alert("ts-only", device: "press-03", started: 13_000, readingTs: 12_995, received: 13_003_000, webhookID: "w2"),
                Self.alert("timer", started: 15_000, received: 15_020_000),
            ],
            commands: [AlertVerification.Command(site: "seoul", line: "line1", device: "press-03", rule: "overheat", receivedAtMicros: 12_002_500)],
            badSignatures: 0, graceMillis: 0,
            publishedAtMicros: { $0.seq == 7 ? 12_001_000 : nil },
            latency: Self.percentiles)
        // 12_004_000 − 12_001_000 = 3 ms; 13_003_000 − 12_995_000 = 8 ms.
        #expect(result.webhookLatency?.count == 2)
        #expect(result.webhookLatency?.max == 8)
        #expect(result.timerWebhookLatency?.max == 20)
        // The stop command answers the firing alert raised before it: 12_002_500 − 12_001_000.
        #expect(result.stopCommandLatency?.max == 1.5)
        #expect(result.fired.map(\.timedFrom) == ["reading", "reading_ts", "timer"])
        // The share until the edge's evaluation (its started_at): only for a reading with a known
        // publish; here the edge's clock said 12 000 ms, 1 ms before the made-up publish.
        #expect(result.fired.map(\.toEdgeMillis) == [-1, nil, nil])
    }
}

extension AlertMatcherTests {
    @Test("a hazard that starts while the alert of an earlier one on the same device still fires is detected by it")
    func overlappingHazards() {
        let second = AlertVerification.Hazard(
            type: "overheat", rule: "overheat", site: "seoul", line: "line1", device: "press-03", startMillis: 21_000, endMillis: 31_000)
        let firing = Self.alert("a", started: 12_000, received: 12_010_000)
        let stillFiring = AlertMatcher.verify(
            hazards: [Self.overheat, second], alerts: [firing], commands: [], badSignatures: 0, graceMillis: 0, latency: Self.percentiles)
        #expect(stillFiring.detected == 2)
        let resolvedBefore = AlertVerification.Alert(
            webhookID: "r", alertID: "a", rule: "overheat", site: "seoul", line: "line1", device: "press-03", sensor: "temperature",
            notification: "resolved", startedAtMillis: 12_000, endedAtMillis: 20_500, readingTsMillis: nil, receivedAtMicros: 20_501_000)
        let cleared = AlertMatcher.verify(
            hazards: [Self.overheat, second], alerts: [firing, resolvedBefore], commands: [], badSignatures: 0, graceMillis: 0,
            latency: Self.percentiles)
        #expect(cleared.detected == 1)
        #expect(cleared.missed == [second])
    }

    @Test("alerts that start after publishing ended are set apart: not false, not matched, counted")
    func afterTheRun() {
        let result = AlertMatcher.verify(
            hazards: [Self.overheat],
            alerts: [
                Self.alert("a", started: 12_000, readingTs: 11_990, received: 11_995_000),
                Self.alert("b", rule: "silent", device: "press-01", started: 70_000, received: 70_010_000),
            ],
            commands: [], badSignatures: 0, graceMillis: 5_000, publishingEndedMillis: 60_000, latency: Self.percentiles)
        #expect(result.detected == 1)
        #expect(result.falseAlerts.isEmpty)
        #expect(result.firingAlerts == 1)
        #expect(result.afterRun == 1)
        #expect(result.precision == 1)
    }
}
