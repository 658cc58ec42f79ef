import Readings

/// Turns the edge's own metrics into the status it reports to the core (``Readings/EdgeStatus``):
/// the levels as `/metrics` shows them, and the rates and times-to from the change since the
/// previous report. Pure: the caller passes the metrics text, what they do not hold, and the time.
struct EdgeStatusSampler {
    /// What the metrics do not say.
    struct Context: Sendable, Equatable {
        var edge: String
        var site: String
        var version: String
        /// One of a pair (else `lone`).
        var paired: Bool
        var intervalMillis: Int64
        var spoolCapacityBytes: Int64
        var rulesVersion = ""
        var rulesLoadedAtMillis: Int64?
        var rulesError: String?
        /// `http.page_url`: where operators open this edge's site page.
        var pageURL: String?
    }

    private struct Sample {
        var atMillis: Int64
        var spooled: Double
        var forwarded: Double
        var spoolBytes: Double
        var backlog: Double
    }

    private var previous: Sample?

    /// The status now; its rates cover the time since the last call (0 on the first).
    mutating func status(_ metrics: MetricsText, context: Context, nowMillis: Int64) -> EdgeStatus {
        let sample = Sample(
            atMillis: nowMillis, spooled: metrics.value("haetae_readings_spooled_total"),
            forwarded: metrics.value("haetae_forward_readings_sent_total"), spoolBytes: metrics.value("haetae_spool_bytes"),
            backlog: metrics.value("haetae_forward_backlog_readings"))
        defer { previous = sample }
        var ingestRate = 0.0, forwardRate = 0.0, spoolGrowth = 0.0, backlogChange = 0.0
        if let previous, sample.atMillis > previous.atMillis {
            let seconds = Double(sample.atMillis - previous.atMillis) / 1_000
            // Counters restart with the process; a drop is a restart, not a negative rate.
            ingestRate = max(0, sample.spooled - previous.spooled) / seconds
            forwardRate = max(0, sample.forwarded - previous.forwarded) / seconds
            spoolGrowth = (sample.spoolBytes - previous.spoolBytes) / seconds
            backlogChange = (sample.backlog - previous.backlog) / seconds
        }
        let role: EdgeStatus.Role = !context.paired ? .lone : (metrics.value("haetae_edge_active") >= 1 ? .active : .standby)
        var fullIn: Double?
        if context.spoolCapacityBytes > 0, spoolGrowth > 0 {
            fullIn = max(0, Double(context.spoolCapacityBytes) - sample.spoolBytes) / spoolGrowth
        }
        let drain: Double? = sample.backlog > 0 && backlogChange < 0 ? sample.backlog / -backlogChange : nil
        let oldest = metrics.value("haetae_forward_backlog_oldest_age_seconds")
        return EdgeStatus(
            edge: context.edge, site: context.site, version: context.version, role: role, atMillis: nowMillis,
            intervalMillis: context.intervalMillis, mqttConnected: metrics.value("haetae_mqtt_connected") >= 1,
            // Only the reasons that happened: the report stays small.
            ingestRate: ingestRate, rejects: metrics.byLabel("haetae_messages_rejected_total", "reason").mapValues(Self.count).filter { $0.value > 0 },
            spoolBytes: Self.count(sample.spoolBytes), spoolCapacityBytes: context.spoolCapacityBytes, spoolFullInSeconds: fullIn,
            backlogReadings: Self.count(sample.backlog), backlogDrainSeconds: drain, oldestUnsentSeconds: sample.backlog > 0 ? oldest : nil,
            forwardRate: forwardRate, alertBacklog: Self.count(metrics.value("haetae_forward_alerts_backlog")),
            outboxDepth: Self.count(metrics.value("haetae_webhook_outbox_depth")), rulesVersion: context.rulesVersion,
            rulesLoadedAtMillis: context.rulesLoadedAtMillis, rulesError: context.rulesError, pageURL: context.pageURL)
    }

    /// A gauge or counter as a count: whole, not negative, and never a trap on NaN or overflow.
    static func count(_ value: Double) -> Int64 {
        guard value.isFinite, value > 0 else { return 0 }
        return value >= 9.0e18 ? Int64.max : Int64(value)
    }
}
