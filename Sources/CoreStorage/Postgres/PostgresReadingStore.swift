public import Logging
public import PostgresNIO
import Readings
import Synchronization

/// The backend for scale: PostgreSQL through a postgres-nio `PostgresClient` connection pool.
///
/// The pool does its work inside ``run()``, which the owner must run for as long as the store
/// is used, e.g. as one service of the core's service group; every other call waits until it
/// runs. ``close()`` (or cancelling the task) ends it.
///
/// ```swift
/// let store = try PostgresReadingStore(url: "postgres://haetae@db:5432/haetae", logger: logger)
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { await store.run() }
///     try await store.migrate()                 // creates the tables once; safe to repeat
///     _ = try await store.ingest(batch, receivedAtMillis: now)
///     await store.close()                        // run() returns
/// }
/// ```
/// (With ServiceLifecycle, `extension PostgresReadingStore: Service {}` in the core suffices:
/// ``run()`` has the shape of `Service.run()`.)
public final class PostgresReadingStore: ReadingStore {
    /// The connection pool (for health checks and ad-hoc queries).
    public let client: PostgresClient
    let logger: Logger
    /// Ids of series known to exist; ids never change, so the cache needs no invalidation.
    let seriesIDs = Mutex<[Series: Int64]>([:])
    private let closed = Atomic(false)
    private let closing: AsyncStream<Void>
    private let closer: AsyncStream<Void>.Continuation

    /// - Parameters:
    ///   - configuration: where and how to connect (pool size in `options.maximumConnections`).
    ///   - logger: background and query logs.
    public init(configuration: PostgresClient.Configuration, logger: Logger) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        (closing, closer) = AsyncStream.makeStream(of: Void.self)
    }

    /// Connects by URL (see ``PostgresNIO/PostgresClient/Configuration/init(haetaeURL:)``).
    public convenience init(url: String, logger: Logger) throws {
        try self.init(configuration: PostgresClient.Configuration(haetaeURL: url), logger: logger)
    }

    /// Runs the connection pool until ``close()`` or until the calling task is cancelled.
    /// Call it exactly once.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.client.run() }
            group.addTask { for await _ in self.closing {} }
            await group.next()
            group.cancelAll()
        }
    }

    /// Creates the tables and indexes if they are missing (idempotent; safe from several
    /// processes at once), and refuses a database with a schema version this build does not know.
    public func migrate() async throws {
        try await transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresStoreSchema.migrationLock))", logger: self.logger)
                .drain()
            for statement in PostgresStoreSchema.statements {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger).drain()
            }
            let key = PostgresStoreSchema.MetaKey.schemaVersion
            try await connection.query(
                "INSERT INTO meta(key, value) VALUES (\(key), \(PostgresStoreSchema.version)) ON CONFLICT (key) DO NOTHING",
                logger: self.logger
            ).drain()
            // The statements above brought an older database up to this version.
            try await connection.query(
                "UPDATE meta SET value = \(PostgresStoreSchema.version) WHERE key = \(key) AND value < \(PostgresStoreSchema.version)",
                logger: self.logger
            ).drain()
            let rows = try await connection.query("SELECT value FROM meta WHERE key = \(key)", logger: self.logger)
            for try await version in rows.decode(Int64.self) where version != PostgresStoreSchema.version {
                throw ReadingStoreError(
                    .schema, "the database has schema version \(version); this build knows \(PostgresStoreSchema.version)")
            }
        }
    }

    /// Ends ``run()``; calls after it fail.
    public func close() async {
        closed.store(true, ordering: .relaxed)
        closer.finish()
    }

    /// Fails fast after ``close()``: the pool would otherwise wait for a ``run()`` that ended.
    func checkOpen() throws(ReadingStoreError) {
        if closed.load(ordering: .relaxed) { throw ReadingStoreError(.closed, "the PostgreSQL store is closed") }
    }

    /// Runs `body` in a transaction, again (up to 3 tries) when PostgreSQL aborted it for a
    /// deadlock or serialization failure, and rethrows the body's own error unwrapped.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try checkOpen()
        var attempt = 1
        while true {
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    try await body(connection)
                }
            } catch let error as PostgresTransactionError {
                let cause = error.closureError ?? error.commitError ?? error.beginError
                if attempt < 3, let psql = cause as? PSQLError, ["40P01", "40001"].contains(psql.serverInfo?[.sqlState] ?? "") {
                    attempt += 1
                    logger.debug("transaction retried", metadata: ["sqlstate": "\(psql.serverInfo?[.sqlState] ?? "")"])
                    continue
                }
                throw cause ?? error
            }
        }
    }
}

extension PostgresRowSequence {
    /// Reads and discards the rows, so the statement has finished before the next one starts.
    func drain() async throws {
        for try await _ in self {}
    }
}
