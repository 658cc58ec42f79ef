import Readings
import SQLite

/// The read-only side of a ``SQLiteReadingStore``: its own connection on its own thread, so
/// dashboard queries run beside ingest (WAL lets one writer and readers work at once) and
/// each query sees one committed state.
actor SQLiteStoreReader {
    private let executor: ThreadExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    var connection: SQLiteConnection?
    /// The in-memory side the writer keeps: series summaries and head readings.
    let head: StoreHead

    /// Opens `path` read-only; the writer must have created the schema first.
    init(path: String, options: SQLiteReadingStore.Options, head: StoreHead, executor: ThreadExecutor) throws {
        self.executor = executor
        self.head = head
        let connection = try SQLiteConnection(path: path, mode: .readOnly)
        try connection.execute("PRAGMA cache_size=-\(options.cacheKiB)")
        self.connection = connection
    }

    func close() {
        connection = nil
    }

    func opened() throws(ReadingStoreError) -> SQLiteConnection {
        guard let connection else { throw ReadingStoreError(.closed, "the SQLite store is closed") }
        return connection
    }

    /// Runs `body` in one read transaction, so its statements see the same snapshot.
    func snapshot<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let db = try opened()
        try db.execute("BEGIN")
        let result: T
        do {
            result = try body(db)
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
        // Not `try?`: a read transaction left open would pin this snapshot (and the WAL) forever.
        try db.execute("COMMIT")
        return result
    }

    /// Head rows up to this id are in blocks, as of the current snapshot.
    func compactedThrough(_ db: SQLiteConnection) throws -> Int64 {
        let mark = try db.prepare("SELECT value FROM meta WHERE key = '\(SQLiteStoreSchema.MetaKey.compactedThrough)'")
        return try mark.step() ? mark.int64(at: 0) : 0
    }

    func statistics() throws -> StoreStatistics {
        let totals = head.totals()
        let headReadings = Int64(head.headSize.readings)
        return try snapshot { db in
            let batches = try db.scalarInt("SELECT COUNT(*) FROM batches")
            let bytes = try db.scalarInt("PRAGMA page_count") * db.scalarInt("PRAGMA page_size")
            return StoreStatistics(
                readings: totals.readings, series: totals.series, batches: batches, bytes: bytes, headReadings: headReadings)
        }
    }
}
