public import Logging
public import Readings

/// The default, embedded backend: one SQLite file in WAL mode.
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

    /// Opens (creating if needed) the store at `path`, a file path (not `:memory:`: the reader
    /// opens the same file through its own connection).
    public init(path: String, options: Options = Options(), logger: Logger = Logger(label: "haetae.core.store.sqlite")) throws {
        self.path = path
        self.logger = logger
        let writerThread = ThreadExecutor(name: "haetae-store-writer")
        let readerThread = ThreadExecutor(name: "haetae-store-reader")
        executors = [writerThread, readerThread]
        do {
            writer = try SQLiteStoreWriter(path: path, options: options, executor: writerThread)
            reader = try SQLiteStoreReader(path: path, options: options, executor: readerThread)
        } catch {
            writerThread.shutdown()
            readerThread.shutdown()
            throw error
        }
        logger.debug("opened SQLite store", metadata: ["path": "\(path)"])
    }

    deinit {
        // No call can reach the actors any more, so their threads may end.
        executors.forEach { $0.shutdown() }
    }

    public func ingest(_ batch: Batch, receivedAtMillis: Int64) async throws -> IngestOutcome {
        // Regrouping is pure work: do it on the caller's task, not on the one writer thread.
        let layout = try BatchLayout(batch)
        return try await writer.ingest(batch, layout: layout, receivedAtMillis: receivedAtMillis)
    }

    public func ingest(alerts: [AlertRecord]) async throws -> Int {
        try await writer.ingest(alerts: alerts)
    }

    public func sites() async throws -> [SiteSummary] {
        try await reader.sites()
    }

    public func series(_ filter: SeriesFilter) async throws -> [SeriesInfo] {
        try await reader.series(filter)
    }

    public func readings(series: Int64, from: Int64, to: Int64, step: Int64?, aggregation: Aggregation) async throws -> [Point] {
        if let step, step <= 0 { throw ReadingStoreError(.invalidQuery, "step \(step) ms is not positive") }
        return try await reader.readings(series: series, from: from, to: to, step: step, aggregation: aggregation)
    }

    public func delivery(series: Int64, from: Int64, to: Int64, storedSince: Int64) async throws -> Delivery {
        try await reader.delivery(series: series, from: from, to: to, storedSince: storedSince)
    }

    public func alerts(_ filter: AlertFilter) async throws -> [AlertRecord] {
        try await reader.alerts(filter.validated())
    }

    public func applyRetention(rawBefore: Int64, rollupBefore: Int64) async throws {
        try await writer.applyRetention(rawBefore: rawBefore, rollupBefore: rollupBefore)
        logger.info("retention applied", metadata: ["raw_before": "\(rawBefore)", "rollup_before": "\(rollupBefore)"])
    }

    public func statistics() async throws -> StoreStatistics {
        try await reader.statistics()
    }

    public func close() async {
        await writer.close()
        await reader.close()
    }
}
