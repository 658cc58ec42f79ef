import Foundation
import Readings
import SQLite

/// The read-write side of a ``SQLiteReadingStore``: one connection, its prepared statements and
/// the series-id cache, used only on the writer's own thread (the actor's executor).
///
/// One writer serializes ingest, which is also what makes the `(edge, seq)` check and the insert
/// one atomic step: SQLite allows one writer at a time anyway.
actor SQLiteStoreWriter {
    /// The open connection with its statements; dropped (and so closed) by ``close()``.
    final class Open {
        let connection: SQLiteConnection
        let insertBatch: SQLiteStatement
        let selectBatchHash: SQLiteStatement
        let insertSeries: SQLiteStatement
        let insertHead: SQLiteStatement
        let insertBlock: SQLiteStatement
        let openBlock: SQLiteStatement
        let updateBlock: SQLiteStatement
        let upsertRollup: SQLiteStatement
        let updateSummary: SQLiteStatement
        let insertAlert: SQLiteStatement
        let insertSeriesKey: SQLiteStatement
        let selectSeriesKeys: SQLiteStatement

        init(path: String, options: SQLiteReadingStore.Options) throws {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            let db = try SQLiteConnection(path: path)
            connection = db
            try db.execute("PRAGMA journal_mode=WAL")
            try db.execute("PRAGMA synchronous=\(options.synchronous.rawValue)")
            try db.execute("PRAGMA cache_size=-\(options.cacheKiB)")
            try db.execute("PRAGMA temp_store=MEMORY")
            try db.execute("PRAGMA journal_size_limit=67108864")
            let versionKey = SQLiteStoreSchema.MetaKey.schemaVersion
            try db.transaction {
                // Tables of an older version exist already: CREATE … IF NOT EXISTS leaves them, so
                // the migrations bring them up to date first.
                let hasMeta = try db.scalarInt("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'") > 0
                var stored = hasMeta ? try db.scalarInt("SELECT COALESCE(MAX(value), 0) FROM meta WHERE key = '\(versionKey)'") : 0
                let convertBlocks = stored > 0 && stored < 3
                while stored > 0, stored < SQLiteStoreSchema.version, let migration = SQLiteStoreSchema.migrations[stored] {
                    try db.execute(migration)
                    try db.execute("UPDATE meta SET value = \(stored + 1) WHERE key = '\(versionKey)'")
                    stored += 1
                }
                try db.execute(SQLiteStoreSchema.statements)
                if convertBlocks { try SQLiteStoreWriter.convertVersion2Blocks(db) }
                try db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('\(versionKey)', \(SQLiteStoreSchema.version))")
            }
            let version = try db.scalarInt("SELECT value FROM meta WHERE key = '\(versionKey)'")
            guard version == SQLiteStoreSchema.version else {
                throw ReadingStoreError(.schema, "\(path) has schema version \(version); this build knows \(SQLiteStoreSchema.version)")
            }
            // RETURNING yields a row only when the key is new: the duplicate check and the
            // claim of the key are one statement inside the ingest transaction.
            insertBatch = try db.prepare("""
                INSERT INTO batches(edge, spool, seq, received_at, readings, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                ON CONFLICT DO NOTHING RETURNING 1
                """)
            selectBatchHash = try db.prepare("SELECT hash FROM batches WHERE edge = ?1 AND spool = ?2 AND seq = ?3")
            insertSeries = try db.prepare(
                "INSERT INTO series(site, line, device, sensor, unit) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id")
            insertHead = try db.prepare("INSERT INTO head(stored_at, count, data) VALUES (?1, ?2, ?3) RETURNING id")
            insertBlock = try db.prepare(
                "INSERT INTO blocks(series_id, hour, count, min_ts, max_ts, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            // The block compaction may still add to: the newest of its series and hour.
            openBlock = try db.prepare(
                "SELECT id, count, data FROM blocks WHERE series_id = ?1 AND hour = ?2 ORDER BY id DESC LIMIT 1")
            updateBlock = try db.prepare(
                "UPDATE blocks SET count = ?2, min_ts = ?3, max_ts = ?4, data = ?5 WHERE id = ?1")
            upsertRollup = try db.prepare("""
                INSERT INTO rollup_1h(series_id, hour, count, sum, min, max, last, last_ts)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                ON CONFLICT(series_id, hour) DO UPDATE SET
                    count = count + excluded.count, sum = sum + excluded.sum,
                    min = min(min, excluded.min), max = max(max, excluded.max),
                    last = CASE WHEN excluded.last_ts >= last_ts THEN excluded.last ELSE last END,
                    last_ts = max(last_ts, excluded.last_ts)
                """)
            // SET expressions all see the row as it was, so last_value compares with the old last_ts.
            updateSummary = try db.prepare("""
                UPDATE series SET count = count + ?2, first_ts = min(first_ts, ?3),
                    last_value = CASE WHEN ?4 >= last_ts THEN ?5 ELSE last_value END,
                    last_ts = max(last_ts, ?4)
                WHERE id = ?1
                """)
            insertSeriesKey = try db.prepare("INSERT INTO series_keys(edge, dict, key, series_id) VALUES (?1, ?2, ?3, ?4)")
            selectSeriesKeys = try db.prepare("SELECT key, series_id FROM series_keys WHERE edge = ?1 AND dict = ?2")
            insertAlert = try db.prepare("""
                INSERT INTO alerts(edge, alert_id, notification, at, rule, severity, status, site, line, device, sensor,
                    value, started_at, ended_at, json)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
                ON CONFLICT DO NOTHING RETURNING 1
                """)
        }
    }

    private let executor: ThreadExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    var open: Open?
    /// Every stored series' id; complete (loaded at open, extended only after a commit), so a
    /// miss means a new series.
    var seriesIDs: [Series: Int64] = [:]
    /// Edge dictionaries used since the store opened, each loaded from `series_keys` at first use
    /// and extended only after a commit.
    var dictionaries: [DictionaryName: SeriesKeyMap] = [:]
    /// The in-memory side shared with the reader.
    let head: StoreHead
    let options: SQLiteReadingStore.Options
    /// Reused encode buffer.
    var encoded = ColumnWriter(capacity: 1 << 16)

    init(path: String, options: SQLiteReadingStore.Options, head: StoreHead, executor: ThreadExecutor) throws {
        self.executor = executor
        self.head = head
        self.options = options
        let open = try Open(path: path, options: options)
        let rows = try open.connection.prepare(
            "SELECT id, site, line, device, sensor, unit, count, first_ts, last_ts, last_value FROM series")
        var ids: [Series: Int64] = [:]
        while try rows.step() {
            let series = Series(
                site: rows.string(at: 1), line: rows.string(at: 2), device: rows.string(at: 3),
                sensor: rows.string(at: 4), unit: rows.string(at: 5))
            let id = rows.int64(at: 0)
            ids[series] = id
            head.register(id: id, series: series, summary: StoreHead.Summary(
                count: rows.int64(at: 6), firstTs: rows.int64(at: 7), lastTs: rows.int64(at: 8), lastValue: rows.double(at: 9)))
        }
        self.open = open
        self.seriesIDs = ids
        try Self.replayHead(open, into: head)
    }

    /// Loads the head rows (stored, not yet compacted) into ``head``.
    private static func replayHead(_ db: Open, into head: StoreHead) throws {
        let rows = try db.connection.prepare("SELECT id, stored_at, data FROM head ORDER BY id")
        while try rows.step() {
            let id = rows.int64(at: 0)
            let row = try rows.withBlob(at: 2) { try HeadRowCodec.decode($0, what: "head row \(id)") }
            head.add(headID: id, storedAt: rows.int64(at: 1), row)
        }
    }

    func opened() throws(ReadingStoreError) -> Open {
        guard let open else { throw ReadingStoreError(.closed, "the SQLite store is closed") }
        return open
    }

    /// Closes the connection (statements first); later calls throw ``ReadingStoreError/Code/closed``.
    func close() {
        open = nil
    }
}
