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
}
