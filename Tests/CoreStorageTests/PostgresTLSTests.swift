import CoreStorage
import Foundation
import PostgresNIO
import TestSupport
import Testing

/// The PostgreSQL store's TLS settings (libpq's `sslmode`, `sslrootcert`) against a real server
/// that serves TLS and refuses plain TCP. The store suite runs its PostgreSQL head backend over
/// TLS too (``StoreBackend/postgres``).
@Suite("PostgreSQL over TLS", .serialized, .timeLimit(.minutes(4)))
struct PostgresTLSTests {
    /// Opens a store on `url`, migrates it (its first query) within `limit` and closes it; the
    /// error, if any (a refused connection is retried by the pool, so the wait is bounded here).
    /// The default limit is generous: on a starved machine (CI runs hundreds of tests at once on
    /// two cores) the first TLS connection of a new pool has taken more than 10 s.
    private func migrate(_ url: String, within limit: Duration = .seconds(40)) async -> (any Error)? {
        let store: PostgresReadingStore
        do {
            store = try PostgresReadingStore(url: url, compaction: CompactionPolicy(inBackground: false), logger: testLogger)
        } catch {
            return error
        }
        let running = Task { await store.run() }
        let outcome: (any Error)? = await withTaskGroup(of: (any Error)?.self) { group in
            group.addTask {
                do { try await store.migrate(); return nil } catch { return error }
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return ReadingStoreError(.closed, "no connection within \(limit)")
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        await store.close()
        running.cancel()
        await running.value
        return outcome
    }

    @Test("verify-full against the server's CA works; plain TCP, or a CA that did not sign the server, is refused")
    func verifiesTheServer() async throws {
        let server = try await PostgresServer(tls: try await TestCertificateAuthority())
        #expect(await migrate(server.tlsURL) == nil)
        #expect(await migrate(server.url + "?sslmode=disable", within: .seconds(4)) != nil, "the server refuses plain TCP")
        let stranger = try await TestCertificateAuthority(commonName: "Another CA")
        #expect(await migrate("\(server.url)?sslmode=verify-full&sslrootcert=\(stranger.caCertificate)", within: .seconds(4)) != nil)
        #expect(await migrate("\(server.url)?sslmode=verify-ca&sslrootcert=\(server.caFile!)") == nil)
        #expect(await migrate("\(server.url)?sslmode=require") == nil, "require encrypts without verifying")
        await server.stop()
    }

    @Test("bad TLS parameters are configuration errors that say what to do", arguments: [
        ("postgres://u@db:5432/x?sslmode=verify-full", "sslmode=verify-full needs sslrootcert"),
        ("postgres://u@db:5432/x?sslmode=verify-ca&sslrootcert=/nonexistent/ca.crt", "sslrootcert /nonexistent/ca.crt: cannot read it"),
        ("postgres://u@db:5432/x?sslmode=prefer", "sslmode=prefer: use disable, require, verify-ca or verify-full"),
        ("postgres://u@db:5432/x?sslmode=require&sslcert=/a.crt", "a client certificate needs both sslcert and sslkey"),
        ("postgres://u@/x?host=/run/postgresql&sslmode=require", "sslmode applies to TCP connections"),
    ])
    func badParameters(url: String, expected: String) {
        do {
            _ = try PostgresClient.Configuration(haetaeURL: url)
            Issue.record("accepted \(url)")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
        }
    }
}
