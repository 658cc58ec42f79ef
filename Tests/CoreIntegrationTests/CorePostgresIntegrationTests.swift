import Foundation
import TestSupport
import Testing

/// `haetae-core` with the PostgreSQL backend, against a real PostgreSQL 15 started by the test.
@Suite("Core on PostgreSQL (integration)", .serialized, .timeLimit(.minutes(3)))
struct CorePostgresIntegrationTests {
    @Test("a core started before its PostgreSQL is not ready (503) until PostgreSQL is up, then creates its tables and stores batches")
    func waitsForPostgreSQL() async throws {
        let pgPort = FreePort.allocate()
        let core = try CoreProcess(backend: "backend: postgres\nurl: \"postgres://\(PostgresServer.user)@127.0.0.1:\(pgPort)/haetae_test\"")
        try await core.start(waitReady: false)
        #expect(await eventually(timeout: .seconds(10)) { core.get("/readyz")?.status == 503 })
        try await Task.sleep(for: .seconds(2))
        #expect(core.child?.isRunning == true, "the core waits for PostgreSQL instead of exiting")

        let postgres = try await PostgresServer(port: pgPort)
        #expect(await eventually(timeout: .seconds(40)) { core.get("/readyz")?.status == 200 }, "\(core.output().suffix(2_000))")
        let stored = try #require(try core.post(CoreAPIIntegrationTests.batch(seq: 1)))
        #expect(stored.status == 200 && stored.body.contains(#""status":"stored""#), "\(stored.body)")
        #expect((try core.json("/api/v1/series")["series"] as? [[String: Any]])?.count == 2)
        #expect(await core.stop() == 0, "\(core.output().suffix(3_000))")
        await postgres.stop()
    }

    @Test("a second core on the same database stands by (503) and takes over when the first stops; a core that loses its lock exits")
    func standbyCoreTakesOver() async throws {
        let postgres = try await PostgresServer()
        let url = "backend: postgres\nurl: \"\(postgres.url)\""
        let first = try CoreProcess(backend: url)
        let second = try CoreProcess(backend: url)
        defer {
            first.directory.remove()
            second.directory.remove()
        }
        try await first.start()
        let stored = try #require(try first.post(CoreAPIIntegrationTests.batch(seq: 1)))
        #expect(stored.status == 200 && stored.body.contains(#""status":"stored""#), "\(stored.body)")

        try await second.start(waitReady: false)
        #expect(await eventually(timeout: .seconds(10)) { second.get("/readyz")?.status == 503 })
        try await Task.sleep(for: .seconds(2))
        #expect(second.get("/readyz")?.status == 503, "one writer at a time: the second core waits")
        #expect(try second.post(CoreAPIIntegrationTests.batch(seq: 2))?.status == 503)

        #expect(await first.stop() == 0)
        #expect(await eventually(timeout: .seconds(40)) { second.get("/readyz")?.status == 200 }, "\(second.output().suffix(2_000))")
        let again = try #require(try second.post(CoreAPIIntegrationTests.batch(seq: 1)))
        #expect(again.body.contains("duplicate"), "the standby sees what the first stored: \(again.body)")
        #expect((try second.json("/api/v1/series")["series"] as? [[String: Any]])?.count == 2)

        // Its sessions ended by the server (as on a failover of PostgreSQL): the core stops
        // taking work and exits, instead of writing without the lock.
        _ = try await postgres.psql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(postgres.database)' AND pid <> pg_backend_pid()")
        let status = await second.child?.waitForExit(timeout: .seconds(20))
        #expect(status != nil && status != 0, "exit status \(String(describing: status)): \(second.output().suffix(2_000))")
        #expect(second.output().contains("writer lock"))
        await postgres.stop()
    }
}
