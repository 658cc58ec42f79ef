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
            return Opened(store: try SQLiteReadingStore(path: storage.path, logger: logger), runner: nil)
        case .postgres:
            let store = try PostgresReadingStore(url: storage.url, logger: logger)
            return Opened(store: store, runner: PostgresRunner(store: store, logger: logger))
        }
    }
}

/// Keeps PostgreSQL's connection pool running for as long as the core runs.
/// Keeps PostgreSQL's connection pool running for as long as the core runs, and creates the
/// tables on start.
struct PostgresRunner: Service {
    let store: PostgresReadingStore
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await store.run() }
                do {
                    try await store.migrate()
                } catch {
                    logger.critical("cannot create the PostgreSQL tables", metadata: ["error": "\(error)"])
                }
                await group.waitForAll()
            }
        }
    }
}
