/// The SQLite store's tables (schema 4).
///
/// Ingest writes O(1) rows per batch whatever the number of series: the `(edge, spool, seq)` claim in
/// `batches` and one `head` row holding the batch's columns (``HeadRowCodec``), plus a `series`
/// row for a series never seen before. Compaction (``SQLiteStoreWriter/compact(maxReadings:)``)
/// later turns head rows into `blocks`: one series' readings of one clock hour, compressed
/// (``SeriesBlockCodec``: delta-of-delta times, decimal-scaled or XOR values, device seq and
/// store time), and in the same transaction adds to the hourly rollups (`rollup_1h`, which
/// outlive raw blocks under retention) and the per-series summaries in `series`, deletes the
/// head rows and moves `compacted_through`. Queries merge blocks with the head (in memory,
/// ``StoreHead``). `batches` is the exactly-once ledger: the batch's key (`spool` 0 for edges
/// before spool ids) with the hash of its readings (``Readings/Batch/contentHash``; NULL for keys
/// stored before schema 4), so a key that comes again with other readings is refused, not
/// answered `duplicate`. `series_keys` maps each edge dictionary's keys
/// (``Readings/Batch/dictionary``) to series ids, written with the batch that defined them. Head ids never repeat (AUTOINCREMENT):
/// `compacted_through` compares them with ids compacted before, even once the table was empty.
enum SQLiteStoreSchema {
    static let version: Int64 = 4

    static let statements = """
        CREATE TABLE IF NOT EXISTS meta(
            key TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS series(
            id INTEGER PRIMARY KEY,
            site TEXT NOT NULL, line TEXT NOT NULL, device TEXT NOT NULL,
            sensor TEXT NOT NULL, unit TEXT NOT NULL,
            count INTEGER NOT NULL DEFAULT 0,
            first_ts INTEGER NOT NULL DEFAULT 9223372036854775807,
            last_ts INTEGER NOT NULL DEFAULT -9223372036854775808,
            last_value REAL NOT NULL DEFAULT 0,
            UNIQUE(site, line, device, sensor, unit)
        );
        CREATE TABLE IF NOT EXISTS head(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            stored_at INTEGER NOT NULL,
            count INTEGER NOT NULL,
            data BLOB NOT NULL
        );
        CREATE TABLE IF NOT EXISTS blocks(
            id INTEGER PRIMARY KEY,
            series_id INTEGER NOT NULL,
            hour INTEGER NOT NULL,
            count INTEGER NOT NULL,
            min_ts INTEGER NOT NULL,
            max_ts INTEGER NOT NULL,
            data BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS blocks_series_hour ON blocks(series_id, hour);
        CREATE TABLE IF NOT EXISTS rollup_1h(
            series_id INTEGER NOT NULL,
            hour INTEGER NOT NULL,
            count INTEGER NOT NULL,
            sum REAL NOT NULL,
            min REAL NOT NULL,
            max REAL NOT NULL,
            last REAL NOT NULL,
            last_ts INTEGER NOT NULL,
            PRIMARY KEY(series_id, hour)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS batches(
            edge TEXT NOT NULL,
            spool INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            readings INTEGER NOT NULL,
            hash INTEGER,
            PRIMARY KEY(edge, spool, seq)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS series_keys(
            edge TEXT NOT NULL,
            dict INTEGER NOT NULL,
            key INTEGER NOT NULL,
            series_id INTEGER NOT NULL,
            PRIMARY KEY(edge, dict, key)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS alerts(
            edge TEXT NOT NULL,
            alert_id TEXT NOT NULL,
            notification TEXT NOT NULL,
            at INTEGER NOT NULL,
            rule TEXT NOT NULL, severity TEXT NOT NULL, status TEXT NOT NULL,
            site TEXT NOT NULL, line TEXT NOT NULL, device TEXT NOT NULL, sensor TEXT NOT NULL,
            value REAL, started_at INTEGER NOT NULL, ended_at INTEGER,
            json TEXT NOT NULL,
            PRIMARY KEY(edge, alert_id, notification, at)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS alerts_at ON alerts(at);
        CREATE INDEX IF NOT EXISTS alerts_id ON alerts(alert_id, at);
        CREATE TABLE IF NOT EXISTS alarm_acks(
            alert_id TEXT PRIMARY KEY, actor TEXT NOT NULL, at INTEGER NOT NULL, comment TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS alarm_shelves(
            rule TEXT NOT NULL, site TEXT NOT NULL, line TEXT NOT NULL, device TEXT NOT NULL, sensor TEXT NOT NULL,
            actor TEXT NOT NULL, at INTEGER NOT NULL, until INTEGER NOT NULL, comment TEXT NOT NULL,
            PRIMARY KEY(site, rule, line, device, sensor)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS alarm_out_of_service(
            site TEXT NOT NULL, line TEXT NOT NULL, device TEXT NOT NULL,
            actor TEXT NOT NULL, at INTEGER NOT NULL, comment TEXT NOT NULL,
            PRIMARY KEY(site, line, device)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS alarm_audit(
            id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
            alert_id TEXT NOT NULL, rule TEXT NOT NULL, site TEXT NOT NULL, line TEXT NOT NULL, device TEXT NOT NULL,
            sensor TEXT NOT NULL, comment TEXT NOT NULL, until INTEGER
        );
        CREATE INDEX IF NOT EXISTS alarm_audit_site ON alarm_audit(site, id);
        CREATE TABLE IF NOT EXISTS alarm_command_keys(
            edge TEXT NOT NULL, key INTEGER NOT NULL,
            PRIMARY KEY(edge, key)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS edge_status(
            edge TEXT PRIMARY KEY, site TEXT NOT NULL, status TEXT NOT NULL, received_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS device_registry(
            site TEXT NOT NULL, line TEXT NOT NULL, device TEXT NOT NULL, record TEXT NOT NULL,
            PRIMARY KEY(site, line, device)
        ) WITHOUT ROWID;
        """

    /// Upgrades from older versions, each run in the opening transaction: from-version → statements.
    /// 2 → 3 also converts the blocks in Swift (``SQLiteStoreWriter/convertVersion2Blocks(_:)``).
    static let migrations: [Int64: String] = [
        // 2: each block keeps its readings' device seqs and when the core stored it
        // (`GET /api/v1/delivery`); blocks stored before have neither (NULL, 0).
        1: """
            ALTER TABLE blocks ADD COLUMN seq BLOB;
            ALTER TABLE blocks ADD COLUMN stored_at INTEGER NOT NULL DEFAULT 0;
            """,
        // 3: blocks in format 2 (one `data` column) and the head; the old blocks move aside
        // and are converted after the new tables exist.
        2: """
            DROP INDEX IF EXISTS blocks_series_hour;
            ALTER TABLE blocks RENAME TO blocks_v2;
            """,
        // 4: batch keys gain the spool id (0 for every key stored before: those edges send none)
        // and the readings' hash.
        3: """
            CREATE TABLE batches_v4(
                edge TEXT NOT NULL, spool INTEGER NOT NULL, seq INTEGER NOT NULL,
                received_at INTEGER NOT NULL, readings INTEGER NOT NULL, hash INTEGER,
                PRIMARY KEY(edge, spool, seq)
            ) WITHOUT ROWID;
            INSERT INTO batches_v4(edge, spool, seq, received_at, readings) SELECT edge, 0, seq, received_at, readings FROM batches;
            DROP TABLE batches;
            ALTER TABLE batches_v4 RENAME TO batches;
            """,
    ]

    enum MetaKey {
        static let schemaVersion = "schema_version"
        /// Raw readings before this (epoch ms) were dropped by retention.
        static let rawHorizon = "raw_horizon"
        /// Head rows up to this id are in blocks (compacted).
        static let compactedThrough = "compacted_through"
    }
}
