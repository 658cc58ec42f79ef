@testable import Edge
import Readings
import Testing

@Suite("The edge's status report, from its own metrics")
struct EdgeStatusSamplerTests {
    static let context = EdgeStatusSampler.Context(
        edge: "seoul-a", site: "seoul", version: "0.1.0", paired: true, intervalMillis: 5_000, spoolCapacityBytes: 1_000_000)

    static func metrics(spooled: Int, sent: Int, spoolBytes: Int, backlog: Int, active: Int = 1, connected: Int = 1) -> MetricsText {
        MetricsText("""
            # HELP haetae_readings_spooled_total Readings written to the spool.
            # TYPE haetae_readings_spooled_total counter
            haetae_readings_spooled_total \(spooled)
            haetae_forward_readings_sent_total \(sent)
            haetae_spool_bytes \(spoolBytes)
            haetae_forward_backlog_readings \(backlog)
            haetae_forward_backlog_oldest_age_seconds 12.5
            haetae_edge_active \(active)
            haetae_mqtt_connected \(connected)
            haetae_messages_rejected_total{reason="not_numeric"} 3
            haetae_messages_rejected_total{reason="bad_topic"} 0
            haetae_webhook_outbox_depth 4
            haetae_forward_alerts_backlog 2
            haetae_spool_dropped_total{reason="max_bytes"} 0

            """)
    }

    @Test("the exposition reads back by name and label; comments and junk lines are skipped")
    func metricsText() {
        let text = MetricsText("# HELP x y\nx 1.5\nbroken\ny{a=\"b c\"} 2\nz NaN\n")
        #expect(text["x"] == 1.5 && text["y{a=\"b c\"}"] == 2 && text.value("missing") == 0 && text["z"]?.isNaN == true)
        #expect(text.byLabel("y", "a") == ["b c": 2])
    }

    @Test("levels come as /metrics shows them; rates, time to full and time to drain from the change since the last report")
    func sampling() {
        var sampler = EdgeStatusSampler()
        let first = sampler.status(Self.metrics(spooled: 1_000, sent: 0, spoolBytes: 100_000, backlog: 1_000), context: Self.context, nowMillis: 10_000)
        #expect(first.ingestRate == 0 && first.spoolFullInSeconds == nil, "nothing to compare with yet")
        #expect(first.role == .active && first.mqttConnected && first.spoolBytes == 100_000 && first.backlogReadings == 1_000)
        #expect(first.rejects == ["not_numeric": 3] && first.outboxDepth == 4 && first.alertBacklog == 2, "reasons that happened")
        #expect(first.oldestUnsentSeconds == 12.5 && first.spoolCapacityBytes == 1_000_000 && first.intervalMillis == 5_000)

        // 5 s later: 10,000 more readings in, 2,000 sent, the spool grew 50,000 bytes.
        let second = sampler.status(Self.metrics(spooled: 11_000, sent: 2_000, spoolBytes: 150_000, backlog: 9_000), context: Self.context, nowMillis: 15_000)
        #expect(second.ingestRate == 2_000 && second.forwardRate == 400)
        #expect(second.spoolFullInSeconds == 85, "850,000 bytes left at 10,000 bytes/s")
        #expect(second.backlogDrainSeconds == nil, "the backlog grows")

        // The backlog shrinks by 4,000 readings in 2 s: 5,000 left drain in 2.5 s.
        let third = sampler.status(Self.metrics(spooled: 11_000, sent: 6_000, spoolBytes: 150_000, backlog: 5_000), context: Self.context, nowMillis: 17_000)
        #expect(third.backlogDrainSeconds == 2.5 && third.spoolFullInSeconds == nil && third.ingestRate == 0)

        // A restarted process's counters start again: no negative rate.
        let fourth = sampler.status(Self.metrics(spooled: 10, sent: 0, spoolBytes: 150_000, backlog: 0, active: 0, connected: 0), context: Self.context, nowMillis: 18_000)
        #expect(fourth.ingestRate == 0 && fourth.forwardRate == 0 && fourth.role == .standby && !fourth.mqttConnected)
        #expect(fourth.oldestUnsentSeconds == nil, "nothing waits")
    }

    @Test("a lone edge is lone; a gauge that is not a count never traps")
    func loneAndOdd() {
        var sampler = EdgeStatusSampler()
        var context = Self.context
        context.paired = false
        let status = sampler.status(MetricsText("haetae_spool_bytes NaN\nhaetae_forward_backlog_readings 1e300\nhaetae_webhook_outbox_depth -3\n"), context: context, nowMillis: 1)
        #expect(status.role == .lone && status.spoolBytes == 0 && status.backlogReadings == .max && status.outboxDepth == 0)
    }
}
