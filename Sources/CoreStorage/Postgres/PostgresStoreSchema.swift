/// The PostgreSQL store's tables: the same model as ``SQLiteStoreSchema`` with one row per
/// reading (`readings` with its device seq and store time, filled by one `COPY … FROM STDIN` per batch), because PostgreSQL's
/// strengths are set-based SQL over rows; `series` summaries and `rollup_1h` are maintained in
/// the ingest transaction, `batches` is the exactly-once ledger.
///
/// Statements run one by one (the extended protocol takes one per message), under an advisory
/// lock so that several cores starting at once do not race on `CREATE … IF NOT EXISTS`.
enum PostgresStoreSchema {
    static let version: Int64 = 2
    /// Key of the transaction-level advisory lock held while creating tables.
    static let migrationLock: Int64 = 0x6861_6574_6165  // "haetae"

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
        """
        CREATE TABLE IF NOT EXISTS readings(
            series_id bigint NOT NULL, ts bigint NOT NULL, value float8 NOT NULL,
            dseq bigint NOT NULL DEFAULT -1, stored_at bigint NOT NULL DEFAULT 0)
        """,
        // Version 1 had neither the device seq nor the store time (`GET /api/v1/delivery`).
        "ALTER TABLE readings ADD COLUMN IF NOT EXISTS dseq bigint NOT NULL DEFAULT -1",
        "ALTER TABLE readings ADD COLUMN IF NOT EXISTS stored_at bigint NOT NULL DEFAULT 0",
        "CREATE INDEX IF NOT EXISTS readings_series_ts ON readings(series_id, ts)",
        // Readings arrive roughly in time order, so a BRIN index on ts is tiny and cheap to keep,
        // and lets retention find old rows without a full scan.
        "CREATE INDEX IF NOT EXISTS readings_ts_brin ON readings USING brin(ts)",
        """
        CREATE TABLE IF NOT EXISTS rollup_1h(
            series_id bigint NOT NULL, hour bigint NOT NULL, count bigint NOT NULL,
            sum float8 NOT NULL, min float8 NOT NULL, max float8 NOT NULL, last float8 NOT NULL, last_ts bigint NOT NULL,
            PRIMARY KEY(series_id, hour))
        """,
        """
        CREATE TABLE IF NOT EXISTS batches(
            edge text NOT NULL, seq bigint NOT NULL, received_at bigint NOT NULL, readings integer NOT NULL,
            PRIMARY KEY(edge, seq))
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
    ]

    enum MetaKey {
        static let schemaVersion = "schema_version"
        static let rawHorizon = "raw_horizon"
    }
}
