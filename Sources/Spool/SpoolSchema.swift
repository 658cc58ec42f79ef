import SQLite

/// The spool's tables. Readings live in two forms:
/// - `chunks`: group commits of the open (not yet sealed) batch, as raw little-endian columns,
///   so a 50 ms commit is one blob insert rather than thousands of row inserts;
/// - `batches`: sealed batches in the columnar JSON form of DESIGN §3.4, ready to send.
/// `series` gives chunk rows a series identity that survives restarts; its ids are also the keys
/// of the spool's series dictionary (`meta.series_dictionary`, a random id chosen when the spool
/// was created), by which sealed batches name their series (``Readings/Batch/dictionary``).
/// `batches.keys` lists the keys a batch uses (little-endian `UInt32`s), so the forwarder can add
/// the definitions the core may not know without decoding the body; it is NULL for a batch
/// sealed inline (by a version-1 spool, or with a key too large for a dictionary).
/// `batches.spool` is the spool's id (the same random id) written into the batch, which makes
/// `edge:spool:seq` its key at the core; NULL for a batch sealed before version 3 (keyed `edge:seq`).
enum SpoolSchema {
    static let version: Int64 = 3

    static let statements = """
        CREATE TABLE IF NOT EXISTS meta(
            key TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS series(
            id INTEGER PRIMARY KEY,
            site TEXT NOT NULL, line TEXT NOT NULL, device TEXT NOT NULL,
            sensor TEXT NOT NULL, unit TEXT NOT NULL,
            UNIQUE(site, line, device, sensor, unit)
        );
        CREATE TABLE IF NOT EXISTS chunks(
            id INTEGER PRIMARY KEY,
            n INTEGER NOT NULL,
            first_ts INTEGER NOT NULL,
            opened_ms INTEGER NOT NULL,
            sid BLOB NOT NULL, ts BLOB NOT NULL, value BLOB NOT NULL, dseq BLOB NOT NULL
        );
        CREATE TABLE IF NOT EXISTS batches(
            seq INTEGER PRIMARY KEY,
            n INTEGER NOT NULL,
            first_ts INTEGER NOT NULL,
            last_ts INTEGER NOT NULL,
            sealed_ms INTEGER NOT NULL,
            body BLOB NOT NULL,
            keys BLOB,
            spool INTEGER
        );
        CREATE TABLE IF NOT EXISTS rejects(
            id INTEGER PRIMARY KEY,
            at_ms INTEGER NOT NULL,
            reason TEXT NOT NULL,
            topic TEXT NOT NULL,
            payload_prefix BLOB NOT NULL,
            payload_bytes INTEGER NOT NULL
        );
        """

    /// Brings a spool of an older version up to this one, then records the version; a spool of
    /// a newer version is refused. Idempotent.
    static func upgrade(_ database: SQLiteConnection, path: String) throws {
        let stored = try database.scalarInt("SELECT coalesce(max(value), \(version)) FROM meta WHERE key = '\(MetaKey.schemaVersion)'")
        guard stored <= version else {
            throw SpoolError.inconsistent("\(path) has spool schema \(stored); this build knows \(version)")
        }
        if try database.scalarInt("SELECT COUNT(*) FROM pragma_table_info('batches') WHERE name = 'keys'") == 0 {
            try database.execute("ALTER TABLE batches ADD COLUMN keys BLOB")
        }
        if try database.scalarInt("SELECT COUNT(*) FROM pragma_table_info('batches') WHERE name = 'spool'") == 0 {
            try database.execute("ALTER TABLE batches ADD COLUMN spool INTEGER")
        }
        try database.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('\(MetaKey.schemaVersion)', \(version))")
        // Chosen once per spool file: a new spool (a replaced volume) is a new dictionary and a
        // new batch numbering, so a core never reads its keys with another spool's meaning nor
        // takes its batches for ones it stored before.
        try database.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('\(MetaKey.seriesDictionary)', \(Int64.random(in: 1...Int64.max)))")
    }

    enum MetaKey {
        static let schemaVersion = "schema_version"
        static let nextBatchSeq = "next_batch_seq"
        static let droppedReadings = "dropped_readings"
        static let droppedBatches = "dropped_batches"
        static let seriesDictionary = "series_dictionary"
    }
}
