/// The SQLite store's tables.
///
/// Readings are not stored one row each: a `blocks` row holds one series' readings of one batch
/// within one clock hour (delta-varint timestamps, raw doubles; see ``BlockCodec``), so a 5,000-
/// reading batch over 200 series is ~200 row inserts, and a range query reads the blocks of the
/// hours it spans through `blocks_series_hour`. `series` carries the per-series summary and
/// `rollup_1h` the hourly aggregates, both maintained in the ingest transaction; rollups outlive
/// raw blocks under retention. Each block also keeps its readings' device `seq`s and the time
/// the core stored it, for end-to-end delivery checks. `batches` is the exactly-once ledger keyed by `(edge, seq)`.
enum SQLiteStoreSchema {
    static let version: Int64 = 2

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
        CREATE TABLE IF NOT EXISTS blocks(
            id INTEGER PRIMARY KEY,
            series_id INTEGER NOT NULL,
            hour INTEGER NOT NULL,
            count INTEGER NOT NULL,
            min_ts INTEGER NOT NULL,
            max_ts INTEGER NOT NULL,
            ts BLOB NOT NULL,
            value BLOB NOT NULL,
            seq BLOB,
            stored_at INTEGER NOT NULL DEFAULT 0
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
            seq INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            readings INTEGER NOT NULL,
            PRIMARY KEY(edge, seq)
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
        """

    /// Upgrades from older versions, each run in the opening transaction: from-version → statements.
    static let migrations: [Int64: String] = [
        // 2: each block keeps its readings' device seqs and when the core stored it
        // (`GET /api/v1/delivery`); blocks stored before have neither (NULL, 0).
        1: """
            ALTER TABLE blocks ADD COLUMN seq BLOB;
            ALTER TABLE blocks ADD COLUMN stored_at INTEGER NOT NULL DEFAULT 0;
            """,
    ]

    enum MetaKey {
        static let schemaVersion = "schema_version"
        /// Raw readings before this (epoch ms) were dropped by retention.
        static let rawHorizon = "raw_horizon"
    }
}
