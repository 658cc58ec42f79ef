public import Logging
public import PostgresNIO
import Readings
import Synchronization

/// The backend for scale: PostgreSQL through a postgres-nio `PostgresClient` connection pool,
/// with the same engine as ``SQLiteReadingStore`` (``PostgresStoreSchema``): a batch is one head
/// row claimed with its key in one statement, compacted in the background into per-series
/// compressed hour blocks in `bytea`; series summaries and head readings live in memory
/// (``StoreHead``), loaded by ``migrate()``.
///
/// One core writes to a database at a time: ``migrate()`` takes a session advisory lock on a
/// connection it keeps, and fails with ``ReadingStoreError/Code/unavailable`` while another core
/// holds it (the core tries again with backoff: a second core is a standby). If that connection
/// is lost, the store stops taking work and ``run()`` returns, so the core exits and restarts.
///
/// The pool does its work inside ``run()``, which the owner must run for as long as the store
/// is used, e.g. as one service of the core's service group; every other call waits until it
/// runs. ``close()`` (or cancelling the task) ends it.
///
/// ```swift
/// let store = try PostgresReadingStore(url: "postgres://haetae@db:5432/haetae", logger: logger)
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { await store.run() }
///     try await store.migrate()                 // tables, writer lock, head loaded
///     _ = try await store.ingest(batch, receivedAtMillis: now)
///     await store.close()                        // run() returns
/// }
/// ```
public final class PostgresReadingStore: ReadingStore {
    /// The connection pool (for health checks and ad-hoc queries).
    public let client: PostgresClient
    let logger: Logger
    let policy: CompactionPolicy
    /// Series summaries and head readings, shared by ingest, compaction and queries.
    let head = StoreHead()
    /// Ids of series known to exist (all of them once opened); ids never change.
    let seriesIDs = Mutex<[Series: Int64]>([:])
    /// Head row ids: handed out to ingests, settled for compaction.
    /// Edge dictionaries used since the store opened (loaded from `series_keys` at first use).
    let dictionaries = Mutex<[DictionaryName: SeriesKeyMap]>([:])
    let headIDs = Mutex(HeadIDAllocator(after: 0))
    /// Compaction rounds one at a time within this process (the advisory lock covers others).
    let compacting = Mutex(false)
    private let state = Mutex(State.starting)
    /// The background compaction loop, once open.
    private let compactor = Mutex<Task<Void, Never>?>(nil)
    /// The task that holds the writer lock, and its generation (bumped to stop it).
    private let holderTask = Mutex<Task<Void, Never>?>(nil)
    private let holderGeneration = Mutex(0)
    /// Whether the holder has the writer lock (until then it only waits for a connection).
    private let writerLockHeld = Mutex(false)
    private let closing: AsyncStream<Void>
    private let closer: AsyncStream<Void>.Continuation

    enum State: Equatable {
        case starting, open, lost, closed
    }

    /// - Parameters:
    ///   - configuration: where and how to connect (pool size in `options.maximumConnections`).
    ///   - compaction: when the head becomes blocks (`storage.compaction.…`).
    ///   - logger: background and query logs.
    public init(configuration: PostgresClient.Configuration, compaction: CompactionPolicy = CompactionPolicy(), logger: Logger) {
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        self.policy = compaction
        (closing, closer) = AsyncStream.makeStream(of: Void.self)
    }

    /// Connects by URL (see ``PostgresNIO/PostgresClient/Configuration/init(haetaeURL:)``).
    public convenience init(url: String, compaction: CompactionPolicy = CompactionPolicy(), logger: Logger) throws {
        try self.init(configuration: PostgresClient.Configuration(haetaeURL: url), compaction: compaction, logger: logger)
    }

    /// Runs the connection pool until ``close()``, until the writer lock's connection is lost,
    /// or until the calling task is cancelled. Call it exactly once.
    public func run() async {
        // Detached: neither cancelling `run` nor ServiceLifecycle's graceful shutdown (a task
        // local the pool would inherit and obey) may end the pool before compaction and the
        // lock holder have given their connections back (their queries would wait forever).
        let pool = Task.detached { await self.client.run() }
        for await _ in closing {}  // ends on close(), a lost lock, or cancellation
        state.withLock { if $0 != .lost { $0 = .closed } }
        await stopBackgroundTasks()
        pool.cancel()
        await pool.value
    }

    /// True once the writer lock's connection was lost (the store then refuses work).
    public var lostWriterLock: Bool { state.withLock { $0 == .lost } }

    /// Takes the writer lock, creates or upgrades the tables (idempotent; safe from several
    /// processes at once; a database with an unknown schema version is refused with
    /// ``ReadingStoreError/Code/schema``), loads series and head into memory and starts
    /// background compaction. Until it returns, other calls fail with `unavailable`.
    public func migrate() async throws {
        guard state.withLock({ $0 == .starting }) else {
            if state.withLock({ $0 == .open }) { return }
            throw ReadingStoreError(.closed, "the PostgreSQL store is closed")
        }
        try await holdWriterLock()
        do {
            try await createTables()
            try await loadMemory()
        } catch {
            await releaseWriterLock()
            throw error
        }
        let opened = state.withLock { state in
            guard state == .starting else { return false }
            state = .open
            return true
        }
        guard opened else { throw ReadingStoreError(.closed, "the PostgreSQL store was closed while opening") }
        if let compactor = policy.startInBackground(head: head, logger: logger, round: { [self] in
            try await compactRound(maxReadings: policy.roundReadings)
        }) {
            self.compactor.withLock { $0 = compactor }
            // Closed meanwhile: close() may have looked for the compactor before it was stored.
            if state.withLock({ $0 != .open }) { compactor.cancel() }
        }
        logger.info("PostgreSQL store open", metadata: ["head_readings": "\(head.headSize.readings)"])
    }

    /// Ends ``run()``; calls after it fail.
    public func close() async {
        state.withLock { $0 = .closed }
        closer.finish()
        await stopBackgroundTasks()
    }

    /// Stops background compaction and the lock holder (it unlocks and gives its connection
    /// back) and waits for them; safe from several callers (each waits until they are done).
    private func stopBackgroundTasks() async {
        let compaction = compactor.withLock { $0 }
        compaction?.cancel()
        await compaction?.value
        await releaseWriterLock()
    }

    /// Fails fast unless open: before ``migrate()`` the pool may not run yet, after ``close()``
    /// it has stopped, and after the writer lock was lost another core may be writing.
    func checkOpen() throws(ReadingStoreError) {
        switch state.withLock({ $0 }) {
        case .open: return
        case .starting: throw ReadingStoreError(.unavailable, "the PostgreSQL store is not open yet")
        case .lost: throw ReadingStoreError(.unavailable, "the PostgreSQL store lost its writer lock")
        case .closed: throw ReadingStoreError(.closed, "the PostgreSQL store is closed")
        }
    }

    /// Runs `body` in a transaction, again (up to 3 tries) when PostgreSQL aborted it for a
    /// deadlock or serialization failure, and rethrows the body's own error unwrapped.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
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

    /// Takes the session advisory lock on a pool connection that a task keeps (watched ten
    /// times a second) until ``close()`` or a failed ``migrate()`` releases it; returns once it is held.
    ///
    /// The holder is stopped by a generation change, not by cancellation: it must unlock before
    /// the connection goes back to the pool (a session lock outlives `withConnection`).
    private func holdWriterLock() async throws {
        let generation = holderGeneration.withLock { $0 }
        let (outcome, report) = AsyncStream.makeStream(of: Result<Void, any Error>.self)
        let holder = Task { [self] in
            var held = false
            do {
                try await client.withConnection { connection in
                    let rows = try await connection.query("SELECT pg_try_advisory_lock(\(PostgresStoreSchema.writerLock))", logger: logger)
                    var got = false
                    for try await value in rows.decode(Bool.self) { got = value }
                    guard got else {
                        throw ReadingStoreError(.unavailable, "another haetae-core holds this database's writer lock")
                    }
                    held = true
                    writerLockHeld.withLock { $0 = true }
                    report.yield(.success(()))
                    // Watched, not pinged: a query on a connection the server closed waits
                    // forever in postgres-nio, while `isClosed` turns true at once. (A silent
                    // network partition keeps the lock held at the server, so nobody else can
                    // take it meanwhile.)
                    while holderGeneration.withLock({ $0 }) == generation {
                        try? await Task.sleep(for: .milliseconds(100))
                        if connection.isClosed {
                            throw ReadingStoreError(.unavailable, "the connection holding the writer lock was closed")
                        }
                    }
                    try await connection.query("SELECT pg_advisory_unlock(\(PostgresStoreSchema.writerLock))", logger: logger).drain()
                }
            } catch {
                if !held {
                    report.yield(.failure(error))
                } else if holderGeneration.withLock({ $0 }) == generation && state.withLock({ $0 != .closed }) {
                    state.withLock { $0 = .lost }
                    logger.critical(
                        "lost the PostgreSQL connection that holds the writer lock; the store stops taking work",
                        metadata: ["error": "\(error)"])
                    closer.finish()
                }
            }
            report.finish()
        }
        holderTask.withLock { $0 = holder }
        for await result in outcome {
            if case .failure(let error) = result {
                await releaseWriterLock()
                throw error
            }
            return
        }
        throw ReadingStoreError(.closed, "the PostgreSQL store was closed while opening")
    }

    /// Stops the lock holder (it unlocks and returns its connection) and waits for it.
    private func releaseWriterLock() async {
        holderGeneration.withLock { $0 += 1 }
        let holder = holderTask.withLock { $0 }
        // A holder still waiting for its first connection (a server that refuses us: a wrong CA,
        // a TLS mismatch) would wait for the pool's circuit breaker, a minute; it holds nothing
        // yet, so it is cancelled. One holding the lock is not: it must unlock first.
        if !writerLockHeld.withLock({ $0 }) { holder?.cancel() }
        await holder?.value
        writerLockHeld.withLock { $0 = false }
    }

    private func createTables() async throws {
        try await transaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresStoreSchema.migrationLock))", logger: self.logger)
                .drain()
            let key = PostgresStoreSchema.MetaKey.schemaVersion
            try await connection.query(
                PostgresQuery(unsafeSQL: PostgresStoreSchema.statements[0]), logger: self.logger
            ).drain()
            var stored: Int64?
            for try await version in try await connection.query("SELECT value FROM meta WHERE key = \(key)", logger: self.logger)
                .decode(Int64.self)
            {
                guard version <= PostgresStoreSchema.version else {
                    throw ReadingStoreError(
                        .schema, "the database has schema version \(version); this build knows \(PostgresStoreSchema.version)")
                }
                stored = version
            }
            if let stored, stored < 4 {
                for statement in PostgresStoreSchema.batchKeyUpgrade {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger).drain()
                }
            }
            for statement in PostgresStoreSchema.statements.dropFirst() {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger).drain()
            }
            try await self.convertReadingsTable(connection)
            try await connection.query(
                "INSERT INTO meta(key, value) VALUES (\(key), \(PostgresStoreSchema.version)) ON CONFLICT (key) DO NOTHING",
                logger: self.logger
            ).drain()
            // The statements above brought an older database up to this version.
            try await connection.query(
                "UPDATE meta SET value = \(PostgresStoreSchema.version) WHERE key = \(key) AND value < \(PostgresStoreSchema.version)",
                logger: self.logger
            ).drain()
        }
    }

    /// Loads every series (with its compacted summary) and every head row into memory, and
    /// sets the head id allocator after the greatest id ever used.
    private func loadMemory() async throws {
        head.reset()  // a retried open must not add the rows of a failed attempt twice
        var ids: [Series: Int64] = [:]
        let series = try await client.query(
            "SELECT id, site, line, device, sensor, unit, count, first_ts, last_ts, last_value FROM series", logger: logger)
        let columns = (Int64, String, String, String, String, String, Int64, Int64, Int64, Double).self
        for try await (id, site, line, device, sensor, unit, count, first, last, value) in series.decode(columns) {
            let key = Series(site: site, line: line, device: device, sensor: sensor, unit: unit)
            ids[key] = id
            head.register(id: id, series: key, summary: StoreHead.Summary(count: count, firstTs: first, lastTs: last, lastValue: value))
        }
        seriesIDs.withLock { $0 = ids }
        dictionaries.withLock { $0 = [:] }  // loaded again at first use
        var lastID: Int64 = 0
        let key = PostgresStoreSchema.MetaKey.compactedThrough
        for try await value in try await client.query("SELECT value FROM meta WHERE key = \(key)", logger: logger).decode(Int64.self) {
            lastID = value
        }
        let rows = try await client.query("SELECT id, stored_at, data FROM head ORDER BY id", logger: logger)
        for try await (id, storedAt, data) in rows.decode((Int64, Int64, ByteBuffer).self) {
            let row = try data.withUnsafeReadableBytes { try HeadRowCodec.decode($0, what: "head row \(id)") }
            head.add(headID: id, storedAt: storedAt, row)
            lastID = max(lastID, id)
        }
        headIDs.withLock { $0 = HeadIDAllocator(after: lastID) }
    }

    /// An integer from `meta`, read on `connection` (inside its transaction), or nil.
    func metaValue(_ connection: PostgresConnection, _ key: String) async throws -> Int64? {
        var found: Int64?
        for try await value in try await connection.query("SELECT value FROM meta WHERE key = \(key)", logger: logger).decode(Int64.self) {
            found = value
        }
        return found
    }
}

extension PostgresRowSequence {
    /// Reads and discards the rows, so the statement has finished before the next one starts.
    func drain() async throws {
        for try await _ in self {}
    }
}
