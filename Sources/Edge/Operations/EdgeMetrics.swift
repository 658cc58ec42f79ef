public import CoreMetrics
public import Readings

/// Every metric the edge exports, created once through the metrics facade with an explicit
/// factory (nothing global). Updated by the spool writer once per commit, never per message.
public struct EdgeMetrics: Sendable {
    public let messagesReceived: Counter
    public let messagesRejected: [RejectReason: Counter]
    public let readingsAccepted: Counter
    public let retainedSkipped: Counter
    public let readingsSpooled: Counter
    public let batchesSealed: Counter
    public let spoolDropped: Counter
    public let spoolBytes: Gauge
    public let spoolReadings: Gauge
    public let spoolBatches: Gauge
    public let spoolOldestTimestamp: Gauge
    public let spoolFull: Gauge
    public let spoolCommitErrors: Counter
    public let commitDuration: Timer
    public let handoffQueueDepth: Gauge
    public let mqttConnected: Gauge
    public let mqttConnects: Counter
    public let mqttDisconnects: Counter
    public let series: Gauge
    public let firstMessageTimestamp: Gauge
    public let lastCommitTimestamp: Gauge

    public init(factory: any MetricsFactory) {
        messagesReceived = Counter(label: "haetae_messages_received_total", factory: factory)
        var rejected: [RejectReason: Counter] = [:]
        for reason in RejectReason.allCases {
            rejected[reason] = Counter(label: "haetae_messages_rejected_total", dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        messagesRejected = rejected
        readingsAccepted = Counter(label: "haetae_readings_accepted_total", factory: factory)
        retainedSkipped = Counter(label: "haetae_messages_retained_skipped_total", factory: factory)
        readingsSpooled = Counter(label: "haetae_readings_spooled_total", factory: factory)
        batchesSealed = Counter(label: "haetae_spool_batches_sealed_total", factory: factory)
        spoolDropped = Counter(label: "haetae_spool_dropped_total", factory: factory)
        spoolBytes = Gauge(label: "haetae_spool_bytes", factory: factory)
        spoolReadings = Gauge(label: "haetae_spool_readings", factory: factory)
        spoolBatches = Gauge(label: "haetae_spool_batches", factory: factory)
        spoolOldestTimestamp = Gauge(label: "haetae_spool_oldest_timestamp_seconds", factory: factory)
        spoolFull = Gauge(label: "haetae_spool_full", factory: factory)
        spoolCommitErrors = Counter(label: "haetae_spool_commit_errors_total", factory: factory)
        commitDuration = Timer(label: "haetae_spool_commit_seconds", factory: factory)
        handoffQueueDepth = Gauge(label: "haetae_ingest_queue_depth", factory: factory)
        mqttConnected = Gauge(label: "haetae_mqtt_connected", factory: factory)
        mqttConnects = Counter(label: "haetae_mqtt_connects_total", factory: factory)
        mqttDisconnects = Counter(label: "haetae_mqtt_disconnects_total", factory: factory)
        series = Gauge(label: "haetae_series", factory: factory)
        firstMessageTimestamp = Gauge(label: "haetae_ingest_first_message_timestamp_seconds", factory: factory)
        lastCommitTimestamp = Gauge(label: "haetae_spool_last_commit_timestamp_seconds", factory: factory)
    }
}
