public import Logging
public import Readings

/// The default, embedded backend: one SQLite file in WAL mode.
///
/// A batch is stored as one head row (its columns) with its `(edge, seq)` key; a background task
/// compacts head rows into per-series compressed hour blocks (see ``SQLiteStoreSchema``), so the
/// cost of storing a batch does not grow with the number of series. Series summaries and head
/// readings are also held in memory (``StoreHead``), rebuilt at open.
///
/// Writes (ingest, alerts, retention) go through one connection on a dedicated writer thread;
/// queries through a read-only connection on a second thread, so a dashboard query never waits
/// for an ingest commit and SQLite's blocking calls never hold Swift's cooperative threads.
/// Any number of tasks may call one store at once.
///
/// ```swift
/// let store = try SQLiteReadingStore(path: "/var/lib/haetae/core.db", logger: logger)
/// let outcome = try await store.ingest(batch, receivedAtMillis: now)   // .stored or .duplicate
/// await store.close()
/// ```
public final class SQLiteReadingStore: ReadingStore {
    /// The database file.
    public let path: String
    let writer: SQLiteStoreWriter
    let reader: SQLiteStoreReader
    private let executors: [ThreadExecutor]
    private let logger: Logger
    let head: StoreHead
    private let compactor: Task<Void, Never>?

    /// Opens (creating if needed) the store at `path`, a file path (not `:memory:`: the reader
    /// opens the same file through its own connection).
    public init(path: String, options: Options = Options(), logger: Logger = Logger(label: "haetae.core.store.sqlite")) throws {
        self.path = path
        self.logger = logger
        let writerThread = ThreadExecutor(name: "haetae-store-writer")
        let readerThread = ThreadExecutor(name: "haetae-store-reader")
        executors = [writerThread, readerThread]
        let head = StoreHead()
        self.head = head
        let writer: SQLiteStoreWriter
        do {
            writer = try SQLiteStoreWriter(path: path, options: options, head: head, executor: writerThread)
            reader = try SQLiteStoreReader(path: path, options: options, head: head, executor: readerThread)
        } catch {
            writerThread.shutdown()
            readerThread.shutdown()
            throw error
        }
        self.writer = writer
        let roundReadings = options.compaction.roundReadings
        compactor = options.compaction.startInBackground(head: head, logger: logger) {
            try await writer.compact(maxReadings: roundReadings)
        }
        logger.debug("opened SQLite store", metadata: ["path": "\(path)", "head_readings": "\(head.headSize.readings)"])
    }

    deinit {
        compactor?.cancel()
        // No call can reach the actors any more, so their threads may end.
        executors.forEach { $0.shutdown() }
    }

    public func ingest(_ batch: Batch, receivedAtMillis: Int64) async throws -> IngestOutcome {
        // Checking is pure work: do it on the caller's task, not on the one writer thread.
        try batch.checkForStore()
        return try await writer.ingest(batch, receivedAtMillis: receivedAtMillis)
    }

    public func compact() async throws -> CompactionReport {
        var total = CompactionReport()
        while true {
            let round = try await writer.compact(maxReadings: writer.options.compaction.roundReadings)
            guard round.readings > 0 else { return total }
            total.headRows += round.headRows
            total.readings += round.readings
            total.blocksWritten += round.blocksWritten
            total.seconds += round.seconds
        }
    }

    public func ingest(alerts: [AlertRecord]) async throws -> Int {
        try await writer.ingest(alerts: alerts)
    }

    public func ingest(commands: [CommandAttempt], edge: String) async throws -> Int {
        try await writer.ingest(commands: commands, edge: edge)
    }

    public func record(edgeStatus: StoredEdgeStatus) async throws {
        try await writer.record(edgeStatus: edgeStatus)
    }

    public func edgeStatuses() async throws -> [StoredEdgeStatus] {
        try await reader.edgeStatuses()
    }

    public func record(devices: [StoredDevice]) async throws {
        try await writer.record(devices: devices)
    }

    public func devices() async throws -> [StoredDevice] {
        try await reader.devices()
    }

    public func seriesKeys(edge: String, dictionary: Int64) async throws -> [UInt32: Series] {
        try await reader.seriesKeys(edge: edge, dictionary: dictionary)
    }

    public func sites() async throws -> [SiteSummary] {
        head.sites()
    }

    public func series(_ filter: SeriesFilter) async throws -> [SeriesInfo] {
        head.series(filter)
    }

    public func readings(series: Int64, from: Int64, to: Int64, step: Int64?, aggregation: Aggregation, limit: Int) async throws -> ReadingsPage {
        if let step, step <= 0 { throw ReadingStoreError(.invalidQuery, "step \(step) ms is not positive") }
        return try await reader.readings(series: series, from: from, to: to, step: step, aggregation: aggregation, limit: limit)
    }

    public func delivery(series: Int64, from: Int64, to: Int64, storedSince: Int64, limit: Int) async throws -> Delivery {
        try await reader.delivery(series: series, from: from, to: to, storedSince: storedSince, limit: limit)
    }

    public func alerts(_ filter: AlertFilter) async throws -> [AlertRecord] {
        try await reader.alerts(filter.validated())
    }

    public func record(_ request: AlarmActionRequest) async throws -> AlarmActionOutcome {
        try await writer.record(request)
    }

    public func suppressions(site: String?, nowMillis: Int64) async throws -> AlarmSuppressions {
        try await reader.suppressions(site: site, nowMillis: nowMillis)
    }

    public func acknowledgements(alertIDs: [String]) async throws -> [String: Acknowledgement] {
        try await reader.acknowledgements(alertIDs: alertIDs)
    }

    public func alertStarts(site: String?, sinceMillis: Int64, limit: Int) async throws -> [AlertStart] {
        try await reader.alertStarts(site: site, sinceMillis: sinceMillis, limit: max(0, limit))
    }

    public func alarmAudit(site: String?, kind: AuditKind, limit: Int) async throws -> [AlarmAuditEntry] {
        try await reader.alarmAudit(site: site, kind: kind, limit: max(0, limit))
    }

    public func applyRetention(rawBefore: Int64, rollupBefore: Int64) async throws {
        try await writer.applyRetention(rawBefore: rawBefore, rollupBefore: rollupBefore)
        logger.info("retention applied", metadata: ["raw_before": "\(rawBefore)", "rollup_before": "\(rollupBefore)"])
    }

    public func statistics() async throws -> StoreStatistics {
        try await reader.statistics()
    }

    public func close() async {
        compactor?.cancel()
        await compactor?.value
        await writer.close()
        await reader.close()
    }
}
