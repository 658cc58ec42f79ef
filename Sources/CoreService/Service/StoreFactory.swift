import CoreStorage
import ConfigFile
import Logging
import ServiceLifecycle

/// Opens the configured backend; PostgreSQL's connection pool also needs a running service.
enum StoreFactory {
    struct Opened: Sendable {
        var store: any ReadingStore
        /// Runs the backend's connections (PostgreSQL); nil for SQLite.
        var runner: (any Service)?
    }

    static func open(_ storage: CoreConfiguration.Storage, logger: Logger) async throws -> Opened {
        let compaction = CompactionPolicy(
            atReadings: storage.compaction.atReadings, afterMillis: storage.compaction.after.milliseconds,
            roundReadings: storage.compaction.roundReadings, blockReadings: storage.compaction.blockReadings)
        switch storage.backend {
        case .sqlite:
            let options = SQLiteReadingStore.Options(compaction: compaction)
            return Opened(store: try SQLiteReadingStore(path: storage.path, options: options, logger: logger), runner: nil)
        case .postgres:
            let store = try PostgresReadingStore(url: storage.url, compaction: compaction, logger: logger)
            return Opened(store: store, runner: PostgresRunner(store: store, logger: logger))
        }
    }
}

/// Keeps PostgreSQL's connection pool running for as long as the core runs, and opens the store
/// on start (writer lock, tables, memory): while PostgreSQL cannot be reached (it may start after
/// the core) or another core holds the writer lock (this one is then a standby) it tries again
/// with backoff and `/readyz` answers 503; a database of a newer schema version stops the core
/// with an error, since nothing will change that by waiting. A lost writer lock stops the core
/// too (its orchestrator restarts it; it then waits for the lock like a standby).
struct PostgresRunner: Service {
    let store: PostgresReadingStore
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    await store.run()
                    if store.lostWriterLock {
                        throw ReadingStoreError(.unavailable, "the PostgreSQL writer lock was lost")
                    }
                }
                try await migrateWithRetry()
                try await group.waitForAll()
            }
        }
    }

    private func migrateWithRetry() async throws {
        var delay = Duration.seconds(1)
        while true {
            do {
                try await store.migrate()
                return
            } catch let error as ReadingStoreError where error.code == .schema {
                logger.critical("the PostgreSQL database cannot be used", metadata: ["error": "\(error)"])
                throw error
            } catch {
                try Task.checkCancellation()
                logger.warning(
                    "cannot open the PostgreSQL store yet (unreachable, or another core holds it); trying again", metadata: ["error": "\(error)", "in": "\(delay)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
    }
}
