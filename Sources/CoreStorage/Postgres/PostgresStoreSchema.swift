/// The PostgreSQL store's tables (schema 4): the same engine as ``SQLiteStoreSchema``.
///
/// Ingest writes O(1) rows per batch whatever the number of series: one statement claims the
/// `(edge, spool, seq)` key in `batches` (with the readings' hash, as in ``SQLiteStoreSchema``) and inserts one `head` row with the batch's columns
/// (``HeadRowCodec``, in `bytea`). Compaction in the core turns head rows into `blocks` (one
/// series' readings of one clock hour, ``SeriesBlockCodec``, in `bytea`), adds to `rollup_1h`
/// and the `series` summaries, deletes the head rows and moves `compacted_through`, in one
/// transaction. Head ids are assigned by the core (``HeadIDAllocator``), which is why one core
/// writes to a database at a time (a session advisory lock, ``writerLock``).
///
/// Statements run one by one (the extended protocol takes one per message), under an advisory
/// lock so that several cores starting at once do not race on `CREATE … IF NOT EXISTS`.
enum PostgresStoreSchema {
    static let version: Int64 = 4
    /// Key of the transaction-level advisory lock held while creating tables.
    static let migrationLock: Int64 = 0x6861_6574_6165  // "haetae"
    /// Key of the session-level advisory lock the writing core holds while it runs.
    static let writerLock: Int64 = 0x6861_6574_6177  // "haetaw"
    /// Key of the transaction-level advisory lock each compaction round holds.
    static let compactionLock: Int64 = 0x6861_6574_6163  // "haetac"

    static let statements: [String] = [
        "CREATE TABLE IF NOT EXISTS meta(key text PRIMARY KEY, value bigint NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS series(
            id bigserial PRIMARY KEY,
            site text NOT NULL, line text NOT NULL, device text NOT NULL, sensor text NOT NULL, unit text NOT NULL,
            count bigint NOT NULL DEFAULT 0,
            first_ts bigint NOT NULL DEFAULT 9223372036854775807,
            last_ts bigint NOT NULL DEFAULT -9223372036854775808,
            last_value float8 NOT NULL DEFAULT 0,
            UNIQUE(site, line, device, sensor, unit))
        """,
        "CREATE TABLE IF NOT EXISTS head(id bigint PRIMARY KEY, stored_at bigint NOT NULL, count integer NOT NULL, data bytea NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS blocks(
            id bigserial PRIMARY KEY, series_id bigint NOT NULL, hour bigint NOT NULL, count integer NOT NULL,
            min_ts bigint NOT NULL, max_ts bigint NOT NULL, data bytea NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS blocks_series_hour ON blocks(series_id, hour)",
        // Blocks are written roughly in hour order, so a BRIN index on hour is tiny and lets
        // retention find old blocks without a full scan.
        "CREATE INDEX IF NOT EXISTS blocks_hour_brin ON blocks USING brin(hour)",
        """
        CREATE TABLE IF NOT EXISTS rollup_1h(
            series_id bigint NOT NULL, hour bigint NOT NULL, count bigint NOT NULL,
            sum float8 NOT NULL, min float8 NOT NULL, max float8 NOT NULL, last float8 NOT NULL, last_ts bigint NOT NULL,
            PRIMARY KEY(series_id, hour))
        """,
        """
        CREATE TABLE IF NOT EXISTS batches(
            edge text NOT NULL, spool bigint NOT NULL, seq bigint NOT NULL, received_at bigint NOT NULL,
            readings integer NOT NULL, hash bigint,
            PRIMARY KEY(edge, spool, seq))
        """,
        """
        CREATE TABLE IF NOT EXISTS series_keys(
            edge text NOT NULL, dict bigint NOT NULL, key bigint NOT NULL, series_id bigint NOT NULL,
            PRIMARY KEY(edge, dict, key))
        """,
        """
        CREATE TABLE IF NOT EXISTS alerts(
            edge text NOT NULL, alert_id text NOT NULL, notification text NOT NULL, at bigint NOT NULL,
            rule text NOT NULL, severity text NOT NULL, status text NOT NULL,
            site text NOT NULL, line text NOT NULL, device text NOT NULL, sensor text NOT NULL,
            value float8, started_at bigint NOT NULL, ended_at bigint, json text NOT NULL,
            PRIMARY KEY(edge, alert_id, notification, at))
        """,
        "CREATE INDEX IF NOT EXISTS alerts_at ON alerts(at)",
        "CREATE INDEX IF NOT EXISTS alerts_id ON alerts(alert_id, at)",
        """
        CREATE TABLE IF NOT EXISTS alarm_acks(
            alert_id text PRIMARY KEY, actor text NOT NULL, at bigint NOT NULL, comment text NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS alarm_shelves(
            rule text NOT NULL, site text NOT NULL, line text NOT NULL, device text NOT NULL, sensor text NOT NULL,
            actor text NOT NULL, at bigint NOT NULL, until bigint NOT NULL, comment text NOT NULL,
            PRIMARY KEY(site, rule, line, device, sensor))
        """,
        """
        CREATE TABLE IF NOT EXISTS alarm_out_of_service(
            site text NOT NULL, line text NOT NULL, device text NOT NULL,
            actor text NOT NULL, at bigint NOT NULL, comment text NOT NULL,
            PRIMARY KEY(site, line, device))
        """,
        """
        CREATE TABLE IF NOT EXISTS alarm_audit(
            id bigserial PRIMARY KEY, at bigint NOT NULL, actor text NOT NULL, action text NOT NULL,
            alert_id text NOT NULL, rule text NOT NULL, site text NOT NULL, line text NOT NULL, device text NOT NULL,
            sensor text NOT NULL, comment text NOT NULL, until bigint)
        """,
        "CREATE INDEX IF NOT EXISTS alarm_audit_site ON alarm_audit(site, id)",
        """
        CREATE TABLE IF NOT EXISTS alarm_command_keys(
            edge text NOT NULL, key bigint NOT NULL,
            PRIMARY KEY(edge, key))
        """,
        """
        CREATE TABLE IF NOT EXISTS edge_status(
            edge text PRIMARY KEY, site text NOT NULL, status text NOT NULL, received_at bigint NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS device_registry(
            site text NOT NULL, line text NOT NULL, device text NOT NULL, record text NOT NULL,
            PRIMARY KEY(site, line, device))
        """,
    ]

    /// Schema 4 keys batches by `(edge, spool, seq)` and keeps the readings' hash; run on a
    /// database of an older schema before ``statements`` (keys stored before get spool 0).
    static let batchKeyUpgrade: [String] = [
        "ALTER TABLE batches ADD COLUMN IF NOT EXISTS spool bigint NOT NULL DEFAULT 0",
        "ALTER TABLE batches ADD COLUMN IF NOT EXISTS hash bigint",
        "ALTER TABLE batches ALTER COLUMN spool DROP DEFAULT",
        "ALTER TABLE batches DROP CONSTRAINT IF EXISTS batches_pkey",
        "ALTER TABLE batches ADD PRIMARY KEY (edge, spool, seq)",
    ]

    /// Schemas 1 and 2 kept one `readings` row per reading (1 without the device seq and store
    /// time). These bring such a table to schema 2's columns; the store then converts its rows
    /// into blocks (``PostgresReadingStore/convertReadingsTable(_:)``) and drops it.
    static let readingsUpgrade: [String] = [
        "ALTER TABLE readings ADD COLUMN IF NOT EXISTS dseq bigint NOT NULL DEFAULT -1",
        "ALTER TABLE readings ADD COLUMN IF NOT EXISTS stored_at bigint NOT NULL DEFAULT 0",
    ]

    enum MetaKey {
        static let schemaVersion = "schema_version"
        static let rawHorizon = "raw_horizon"
        /// Head rows up to this id are in blocks (compacted).
        static let compactedThrough = "compacted_through"
    }
}
