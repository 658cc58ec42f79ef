import CoreStorage
import Readings
import Logging
import TestSupport
import Testing

/// A backend every behaviour test runs against: opens a fresh, empty store and knows how to
/// tear down everything it started (the PostgreSQL backend starts its own server per test).
struct StoreBackend: Sendable, CustomTestStringConvertible {
    let name: String
    let open: @Sendable () async throws -> OpenStore

    var testDescription: String { name }

    static let all: [StoreBackend] = [.sqlite, .sqliteCompacted, .postgres, .postgresCompacted]

    /// SQLite as the core runs it: batches stay in the head until background compaction (whose
    /// thresholds a test does not reach), so queries are answered from the head.
    static let sqlite = StoreBackend(name: "SQLite") {
        let directory = try TemporaryDirectory(prefix: "haetae-core-store")
        let store = try SQLiteReadingStore(
            path: directory.file("core.db"), options: .init(synchronous: .normal), logger: testLogger)
        return OpenStore(store: store) {
            await store.close()
            directory.remove()
        }
    }

    /// SQLite compacting after every batch: every query is answered from compressed blocks (and
    /// late batches merge into blocks written before), so both halves of the engine meet the
    /// same tests.
    static let sqliteCompacted = StoreBackend(name: "SQLite, compacted") {
        let directory = try TemporaryDirectory(prefix: "haetae-core-store")
        let store = try SQLiteReadingStore(
            path: directory.file("core.db"), options: .init(synchronous: .normal, blockReadings: 64, compactInBackground: false),
            logger: testLogger)
        return OpenStore(store: CompactingAfterEachBatch(store: store)) {
            await store.close()
            directory.remove()
        }
    }

    /// PostgreSQL as the core runs it (queries answered from the head), over TLS with the server
    /// verified (`sslmode=verify-full`) against a test CA; the server refuses plain TCP.
    static let postgres = StoreBackend(name: "PostgreSQL over TLS") { try await openPostgres(compactingAfterEachBatch: false, tls: true) }

    /// PostgreSQL compacting after every batch (queries answered from blocks), as for SQLite.
    static let postgresCompacted = StoreBackend(name: "PostgreSQL, compacted") { try await openPostgres(compactingAfterEachBatch: true) }

    private static func openPostgres(compactingAfterEachBatch: Bool, tls: Bool = false) async throws -> OpenStore {
        let server = try await PostgresServer(tls: tls ? try await TestCertificateAuthority() : nil)
        let store = try PostgresReadingStore(
            url: tls ? server.tlsURL : server.url, compaction: CompactionPolicy(blockReadings: 64, inBackground: false), logger: testLogger)
        let running = Task { await store.run() }
        let teardown: @Sendable () async -> Void = {
            await store.close()
            await running.value
            await server.stop()
        }
        do {
            try await store.migrate()
        } catch {
            await teardown()
            throw error
        }
        return OpenStore(store: compactingAfterEachBatch ? CompactingAfterEachBatch(store: store) : store, teardown: teardown)
    }
}

/// A store and its teardown.
struct OpenStore: Sendable {
    let store: any ReadingStore
    let teardown: @Sendable () async -> Void
}

let testLogger: Logger = {
    var logger = Logger(label: "haetae.core.store.test")
    logger.logLevel = .warning
    return logger
}()

/// Runs `body` with a fresh store of `backend`, tearing it down whether `body` throws or not.
func withStore(_ backend: StoreBackend, _ body: (any ReadingStore) async throws -> Void) async throws {
    let opened = try await backend.open()
    do {
        try await body(opened.store)
        await opened.teardown()
    } catch {
        await opened.teardown()
        throw error
    }
}

/// Expects `body` to fail with a ``ReadingStoreError`` of `code`.
func expectStoreError<T>(
    _ code: ReadingStoreError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
) async {
    do {
        _ = try await body()
        Issue.record("expected \(code), got success", sourceLocation: sourceLocation)
    } catch let error as ReadingStoreError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

/// A store that compacts everything right after each stored batch.
struct CompactingAfterEachBatch: ReadingStore {
    let store: any ReadingStore

    func ingest(_ batch: Batch, receivedAtMillis: Int64) async throws -> IngestOutcome {
        let outcome = try await store.ingest(batch, receivedAtMillis: receivedAtMillis)
        _ = try await store.compact()
        return outcome
    }
    func compact() async throws -> CompactionReport { try await store.compact() }
    func ingest(alerts: [AlertRecord]) async throws -> Int { try await store.ingest(alerts: alerts) }
    func ingest(commands: [CommandAttempt], edge: String) async throws -> Int { try await store.ingest(commands: commands, edge: edge) }
    func record(edgeStatus: StoredEdgeStatus) async throws { try await store.record(edgeStatus: edgeStatus) }
    func edgeStatuses() async throws -> [StoredEdgeStatus] { try await store.edgeStatuses() }
    func record(devices: [StoredDevice]) async throws { try await store.record(devices: devices) }
    func devices() async throws -> [StoredDevice] { try await store.devices() }
    func seriesKeys(edge: String, dictionary: Int64) async throws -> [UInt32: Series] {
        try await store.seriesKeys(edge: edge, dictionary: dictionary)
    }
    func sites() async throws -> [SiteSummary] { try await store.sites() }
    func series(_ filter: SeriesFilter) async throws -> [SeriesInfo] { try await store.series(filter) }
    func readings(series: Int64, from: Int64, to: Int64, step: Int64?, aggregation: Aggregation, limit: Int) async throws -> ReadingsPage {
        try await store.readings(series: series, from: from, to: to, step: step, aggregation: aggregation, limit: limit)
    }
    func delivery(series: Int64, from: Int64, to: Int64, storedSince: Int64, limit: Int) async throws -> Delivery {
        try await store.delivery(series: series, from: from, to: to, storedSince: storedSince, limit: limit)
    }
    func alerts(_ filter: AlertFilter) async throws -> [AlertRecord] { try await store.alerts(filter) }
    func record(_ request: AlarmActionRequest) async throws -> AlarmActionOutcome { try await store.record(request) }
    func suppressions(site: String?, nowMillis: Int64) async throws -> AlarmSuppressions {
        try await store.suppressions(site: site, nowMillis: nowMillis)
    }
    func acknowledgements(alertIDs: [String]) async throws -> [String: Acknowledgement] {
        try await store.acknowledgements(alertIDs: alertIDs)
    }
    func alarmAudit(site: String?, kind: AuditKind, limit: Int) async throws -> [AlarmAuditEntry] {
        try await store.alarmAudit(site: site, kind: kind, limit: limit)
    }
    func alertStarts(site: String?, sinceMillis: Int64, limit: Int) async throws -> [AlertStart] {
        try await store.alertStarts(site: site, sinceMillis: sinceMillis, limit: limit)
    }
    func applyRetention(rawBefore: Int64, rollupBefore: Int64) async throws {
        try await store.applyRetention(rawBefore: rawBefore, rollupBefore: rollupBefore)
    }
    func statistics() async throws -> StoreStatistics { try await store.statistics() }
    func close() async { await store.close() }
}
