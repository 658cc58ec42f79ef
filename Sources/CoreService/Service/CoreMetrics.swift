import CoreStorage
public import CoreMetrics

/// Every metric the core exports, through the metrics facade with an explicit factory.
public struct CoreMetrics: Sendable {
    public let batchesStored: Counter
    public let batchesDuplicate: Counter
    public let batchesRejected: Counter
    public let readingsStored: Counter
    public let alertsStored: Counter
    /// Stop-command records filed in the alarm audit log.
    public let commandsStored: Counter
    /// Edge status reports taken, and refused (``IngestRoutes/postStatus``).
    public let statusReports: Counter
    public let statusReportsRejected: Counter
    /// Edges by how the core judges them (`ok`, `warning`, `stale`, `down`; ``FleetWatch``).
    public let edges: [String: Gauge]
    public let alertPostsRejected: Counter
    /// Edges' posts (batches, alerts, status) the core could not store: the store failed and the
    /// edge was answered 5xx and will retry.
    public let ingestErrors: Counter
    public let ingestDuration: Timer
    public let storedReadings: Gauge
    public let storedSeries: Gauge
    public let storedBatches: Gauge
    public let storeBytes: Gauge
    /// Readings stored but not yet compacted into blocks.
    public let headReadings: Gauge
    public let retentionRuns: Counter
    /// Where the per-site alarm KPI gauges come from (made as sites appear).
    private let factory: any MetricsFactory

    public init(factory: any MetricsFactory) {
        self.factory = factory
        batchesStored = Counter(label: "haetae_core_batches_total", dimensions: [("result", "stored")], factory: factory)
        batchesDuplicate = Counter(label: "haetae_core_batches_total", dimensions: [("result", "duplicate")], factory: factory)
        batchesRejected = Counter(label: "haetae_core_batches_total", dimensions: [("result", "rejected")], factory: factory)
        readingsStored = Counter(label: "haetae_core_readings_stored_total", factory: factory)
        alertsStored = Counter(label: "haetae_core_alerts_stored_total", factory: factory)
        commandsStored = Counter(label: "haetae_core_stop_commands_stored_total", factory: factory)
        statusReports = Counter(label: "haetae_core_status_reports_total", factory: factory)
        statusReportsRejected = Counter(label: "haetae_core_status_reports_rejected_total", factory: factory)
        edges = Dictionary(uniqueKeysWithValues: ["ok", "warning", "stale", "down"].map {
            ($0, Gauge(label: "haetae_core_edges", dimensions: [("health", $0)], factory: factory))
        })
        alertPostsRejected = Counter(label: "haetae_core_alert_posts_rejected_total", factory: factory)
        ingestErrors = Counter(label: "haetae_core_ingest_errors_total", factory: factory)
        ingestDuration = Timer(label: "haetae_core_batch_ingest_seconds", factory: factory)
        storedReadings = Gauge(label: "haetae_core_store_readings", factory: factory)
        storedSeries = Gauge(label: "haetae_core_store_series", factory: factory)
        storedBatches = Gauge(label: "haetae_core_store_batches", factory: factory)
        storeBytes = Gauge(label: "haetae_core_store_bytes", factory: factory)
        headReadings = Gauge(label: "haetae_core_store_head_readings", factory: factory)
        retentionRuns = Counter(label: "haetae_core_retention_runs_total", factory: factory)
    }
}

extension CoreMetrics {
    /// The `# HELP` text of every metric the core exports, added to `/metrics` by `MetricsExposition`.
    public static let help: [String: String] = [
        "haetae_core_batches_total": "Batches posted by edges, by result: stored, duplicate (stored before), rejected (refused with 4xx).",
        "haetae_core_readings_stored_total": "Readings stored.",
        "haetae_core_alerts_stored_total": "Alert notifications stored.",
        "haetae_core_stop_commands_stored_total": "Stop-command records filed in the alarm audit log.",
        "haetae_core_status_reports_total": "Edge status reports taken.",
        "haetae_core_status_reports_rejected_total": "Edge status reports refused (4xx).",
        "haetae_core_edges": "Configured edges by health: ok, warning, stale, down.",
        "haetae_core_alert_posts_rejected_total": "Alert posts refused (4xx).",
        "haetae_core_ingest_errors_total": "Edges' posts the store could not take (answered 5xx; the edge retries).",
        "haetae_core_batch_ingest_seconds": "Time to take one batch: decode, checks and store.",
        "haetae_core_store_readings": "Readings in the store.",
        "haetae_core_store_series": "Series in the store.",
        "haetae_core_store_batches": "Batch keys the store remembers for exactly-once.",
        "haetae_core_store_bytes": "Bytes the store takes on disk.",
        "haetae_core_store_head_readings": "Readings stored but not yet compacted into blocks.",
        "haetae_core_retention_runs_total": "Retention passes run.",
        "haetae_core_devices": "Devices in the registry: all, silent, with a clock off (clock_off), with messages missing (missing); not_tracked: devices not kept (devices.max reached).",
        "haetae_core_device_readings_unresolved": "Readings the device registry could not name (a series key neither the batch nor the store knew).",
        "haetae_core_device_messages_missing": "Messages devices numbered that never arrived (seq gaps), summed over the registry.",
        "haetae_core_alarms_last_10m": "Alarms started in the last 10 minutes, by site.",
        "haetae_core_alarms_per_10m_avg": "Alarms started per 10 minutes over the last 24 hours, by site.",
        "haetae_core_alarms_peak_10m": "Most alarms started in one 10-minute window of the last 24 hours, by site.",
        "haetae_core_alarms_standing": "Alarms firing now, by site.",
        "haetae_core_alarms_stale": "Alarms firing for over 24 hours, by site.",
        "haetae_core_alarms_unacknowledged": "Firing alarms nobody acknowledged, by site.",
        "haetae_core_alarms_chattering": "Alarms that chattered in the last 24 hours, by site.",
    ]
}

extension CoreMetrics {
    /// The registry's figures at a scrape: devices by state and the messages they miss.
    func record(_ devices: DeviceRegistry, nowMillis: Int64) {
        let summary = devices.summary(nowMillis: nowMillis)
        for (state, count) in [
            ("all", summary.all), ("silent", summary.silent), ("clock_off", summary.clockOff), ("missing", summary.missing),
            ("not_tracked", Int(summary.counts.devicesNotTracked)),
        ] {
            Gauge(label: "haetae_core_devices", dimensions: [("state", state)], factory: factory).record(count)
        }
        Gauge(label: "haetae_core_device_messages_missing", factory: factory).record(summary.messagesMissing)
        Gauge(label: "haetae_core_device_readings_unresolved", factory: factory).record(summary.counts.unresolvedReadings)
    }
}

extension Duration {
    /// Whole nanoseconds (for timers).
    var wholeNanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}

extension CoreMetrics {
    /// The alarm KPIs per site (``AlarmKPIs``, the last 24 hours), as gauges labelled `site`:
    /// `haetae_core_alarms_last_10m`, `haetae_core_alarms_per_10m_avg`, `haetae_core_alarms_peak_10m`,
    /// `haetae_core_alarms_standing`, `haetae_core_alarms_stale`, `haetae_core_alarms_unacknowledged`,
    /// `haetae_core_alarms_chattering`.
    func record(_ kpis: AlarmKPIs) {
        for site in kpis.sites {
            let dimensions = [("site", site.name)]
            Gauge(label: "haetae_core_alarms_last_10m", dimensions: dimensions, factory: factory).record(site.lastTenMinutes)
            Gauge(label: "haetae_core_alarms_per_10m_avg", dimensions: dimensions, factory: factory).record(site.averagePerTenMinutes)
            Gauge(label: "haetae_core_alarms_peak_10m", dimensions: dimensions, factory: factory).record(site.peakTenMinutes)
            Gauge(label: "haetae_core_alarms_standing", dimensions: dimensions, factory: factory).record(site.standing)
            Gauge(label: "haetae_core_alarms_stale", dimensions: dimensions, factory: factory).record(site.stale)
            Gauge(label: "haetae_core_alarms_unacknowledged", dimensions: dimensions, factory: factory).record(site.unacknowledged)
            Gauge(label: "haetae_core_alarms_chattering", dimensions: dimensions, factory: factory).record(site.chattering)
        }
    }
}
