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
        switch storage.backend {
        case .sqlite:
            let compaction = storage.compaction
            let options = SQLiteReadingStore.Options(
                compactAtReadings: compaction.atReadings, compactAfterMillis: compaction.after.milliseconds,
                compactRoundReadings: compaction.roundReadings, blockReadings: compaction.blockReadings)
            return Opened(store: try SQLiteReadingStore(path: storage.path, options: options, logger: logger), runner: nil)
        case .postgres:
            let store = try PostgresReadingStore(url: storage.url, logger: logger)
            return Opened(store: store, runner: PostgresRunner(store: store, logger: logger))
        }
    }
}

/// Keeps PostgreSQL's connection pool running for as long as the core runs, and creates the
/// tables on start: while PostgreSQL cannot be reached (it may start after the core) it tries
/// again with backoff and `/readyz` answers 503; a database of a newer schema version stops the
/// core with an error, since nothing will change that by waiting.
struct PostgresRunner: Service {
    let store: PostgresReadingStore
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await store.run() }
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
                    "cannot create the PostgreSQL tables yet; trying again", metadata: ["error": "\(error)", "in": "\(delay)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
    }
}
