/// The spool's tables. Readings live in two forms:
/// - `chunks`: group commits of the open (not yet sealed) batch, as raw little-endian columns,
///   so a 50 ms commit is one blob insert rather than thousands of row inserts;
/// - `batches`: sealed batches in the columnar JSON form of DESIGN §3.4, ready to send.
/// `series` gives chunk rows a series identity that survives restarts.
enum SpoolSchema {
    static let version: Int64 = 1

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
            body BLOB NOT NULL
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

    enum MetaKey {
        static let schemaVersion = "schema_version"
        static let nextBatchSeq = "next_batch_seq"
        static let droppedReadings = "dropped_readings"
        static let droppedBatches = "dropped_batches"
    }
}
