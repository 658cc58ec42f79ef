import CoreStorage
public import CoreMetrics

/// Every metric the core exports, through the metrics facade with an explicit factory.
public struct CoreMetrics: Sendable {
    public let batchesStored: Counter
    public let batchesDuplicate: Counter
    public let batchesRejected: Counter
    public let readingsStored: Counter
    public let alertsStored: Counter
    public let alertPostsRejected: Counter
    public let ingestDuration: Timer
    public let storedReadings: Gauge
    public let storedSeries: Gauge
    public let storedBatches: Gauge
    public let storeBytes: Gauge
    /// Readings stored but not yet compacted into blocks.
    public let headReadings: Gauge
    public let retentionRuns: Counter

    public init(factory: any MetricsFactory) {
        batchesStored = Counter(label: "haetae_core_batches_total", dimensions: [("result", "stored")], factory: factory)
        batchesDuplicate = Counter(label: "haetae_core_batches_total", dimensions: [("result", "duplicate")], factory: factory)
        batchesRejected = Counter(label: "haetae_core_batches_total", dimensions: [("result", "rejected")], factory: factory)
        readingsStored = Counter(label: "haetae_core_readings_stored_total", factory: factory)
        alertsStored = Counter(label: "haetae_core_alerts_stored_total", factory: factory)
        alertPostsRejected = Counter(label: "haetae_core_alert_posts_rejected_total", factory: factory)
        ingestDuration = Timer(label: "haetae_core_batch_ingest_seconds", factory: factory)
        storedReadings = Gauge(label: "haetae_core_store_readings", factory: factory)
        storedSeries = Gauge(label: "haetae_core_store_series", factory: factory)
        storedBatches = Gauge(label: "haetae_core_store_batches", factory: factory)
        storeBytes = Gauge(label: "haetae_core_store_bytes", factory: factory)
        headReadings = Gauge(label: "haetae_core_store_head_readings", factory: factory)
        retentionRuns = Counter(label: "haetae_core_retention_runs_total", factory: factory)
    }
}

extension Duration {
    /// Whole nanoseconds (for timers).
    var wholeNanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
