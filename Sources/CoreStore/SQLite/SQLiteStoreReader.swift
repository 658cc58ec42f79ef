import Readings
import SQLite

/// The read-only side of a ``SQLiteReadingStore``: its own connection on its own thread, so
/// dashboard queries run beside ingest (WAL lets one writer and readers work at once) and
/// each query sees one committed state.
actor SQLiteStoreReader {
    private let executor: ThreadExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    var connection: SQLiteConnection?

    /// Opens `path` read-only; the writer must have created the schema first.
    init(path: String, options: SQLiteReadingStore.Options, executor: ThreadExecutor) throws {
        self.executor = executor
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

    func sites() throws -> [SiteSummary] {
        let db = try opened()
        let rows = try db.prepare("""
            SELECT site, line, device, COUNT(*), MAX(last_ts) FROM series WHERE count > 0
            GROUP BY site, line, device ORDER BY site, line, device
            """)
        var builder = SiteSummaryBuilder()
        while try rows.step() {
            builder.add(
                site: rows.string(at: 0), line: rows.string(at: 1), device: rows.string(at: 2),
                series: Int(rows.int64(at: 3)), lastTs: rows.int64(at: 4))
        }
        return builder.sites
    }

    func series(_ filter: SeriesFilter) throws -> [SeriesInfo] {
        let db = try opened()
        let rows = try db.prepare("""
            SELECT id, site, line, device, sensor, unit, count, first_ts, last_ts, last_value FROM series
            WHERE count > 0 AND (?1 IS NULL OR site = ?1) AND (?2 IS NULL OR line = ?2)
                AND (?3 IS NULL OR device = ?3) AND (?4 IS NULL OR sensor = ?4)
            ORDER BY id
            """)
        for (index, value) in [filter.site, filter.line, filter.device, filter.sensor].enumerated() {
            if let value { try rows.bind(value, at: Int32(index + 1)) } else { try rows.bindNull(at: Int32(index + 1)) }
        }
        var result: [SeriesInfo] = []
        while try rows.step() {
            let series = Series(
                site: rows.string(at: 1), line: rows.string(at: 2), device: rows.string(at: 3),
                sensor: rows.string(at: 4), unit: rows.string(at: 5))
            result.append(SeriesInfo(
                id: rows.int64(at: 0), series: series, count: rows.int64(at: 6), firstTs: rows.int64(at: 7),
                lastTs: rows.int64(at: 8), lastValue: rows.double(at: 9)))
        }
        return result
    }

    func statistics() throws -> StoreStatistics {
        try snapshot { db in
            let totals = try db.prepare("SELECT COALESCE(SUM(count), 0), COUNT(*) FROM series WHERE count > 0")
            _ = try totals.step()
            let readings = totals.int64(at: 0)
            let series = totals.int64(at: 1)
            let batches = try db.scalarInt("SELECT COUNT(*) FROM batches")
            let bytes = try db.scalarInt("PRAGMA page_count") * db.scalarInt("PRAGMA page_size")
            return StoreStatistics(readings: readings, series: series, batches: batches, bytes: bytes)
        }
    }
}
