import CoreStore
import Logging
import TestSupport
import Testing

/// A backend every behaviour test runs against: opens a fresh, empty store and knows how to
/// tear down everything it started (the PostgreSQL backend starts its own server per test).
struct StoreBackend: Sendable, CustomTestStringConvertible {
    let name: String
    let open: @Sendable () async throws -> OpenStore

    var testDescription: String { name }

    static let all: [StoreBackend] = [.sqlite, .postgres]

    static let sqlite = StoreBackend(name: "SQLite") {
        let directory = try TemporaryDirectory(prefix: "haetae-core-store")
        let store = try SQLiteReadingStore(
            path: directory.file("core.db"), options: .init(synchronous: .normal), logger: testLogger)
        return OpenStore(store: store) {
            await store.close()
            directory.remove()
        }
    }

    static let postgres = StoreBackend(name: "PostgreSQL") {
        let server = try await PostgresServer()
        let store = try PostgresReadingStore(url: server.url, logger: testLogger)
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
        return OpenStore(store: store, teardown: teardown)
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
