import Foundation
import TestSupport
import Testing

/// The edge's ops port seen from another machine (a network namespace on a veth pair) and from
/// this one: probes and /metrics are open, the API needs loopback or the API token.
@Suite("Edge ops API access (integration)", .serialized, .timeLimit(.minutes(2)))
struct OpsAPIAccessIntegrationTests {
    /// The HTTP status of a GET from the other machine.
    private func status(from peer: NetworkNamespace, _ url: String, token: String? = nil) async throws -> String {
        try await peer.run("curl", ["-s", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}"]
            + (token.map { ["-H", "Authorization: Bearer \($0)"] } ?? []) + [url]).output
    }

    @Test("from another machine: probes and /metrics answer, the API only with the token (401 without or with a wrong one); from this machine the API answers without one, but not for a foreign Host")
    func apiNeedsTokenOrLoopback() async throws {
        let peer = try await NetworkNamespace()
        let broker = try await MosquittoBroker()
        let token = "ops-token-\(UUID().uuidString)"
        let edge = try EdgeProcess(brokerPort: broker.port, httpHost: "0.0.0.0", http: "api_token_file: ops.token")
        try (token + "\n").write(toFile: edge.directory.file("ops.token"), atomically: true, encoding: .utf8)
        try await edge.start()
        defer { Task { _ = await edge.stop() } }
        let remote = "http://\(peer.hostAddress):\(edge.httpPort)"
        for path in ["/metrics", "/healthz", "/readyz"] {
            #expect(try await status(from: peer, remote + path) == "200", "\(path)")
        }
        for path in ["/api/v1/alerts", "/api/v1/rules", "/api/v1/commands"] {
            #expect(try await status(from: peer, remote + path) == "401", "\(path) without a token")
            #expect(try await status(from: peer, remote + path, token: "wrong-\(token)") == "401", "\(path) with a wrong token")
            #expect(try await status(from: peer, remote + path, token: token) == "200", "\(path) with the token")
        }
        // This machine: no token needed, but the Host must name it (DNS rebinding).
        #expect(HTTPGet.fetch(port: edge.httpPort, path: "/api/v1/alerts")?.status == 200)
        let rebound = try ChildProcess("curl", [
            "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: evil.example", "http://127.0.0.1:\(edge.httpPort)/api/v1/alerts",
        ])
        _ = await rebound.waitForExit(timeout: .seconds(10))
        #expect(rebound.standardOutput() == "403")
    }

    @Test("without an API token the API answers this machine only, and says how to open it")
    func loopbackOnlyByDefault() async throws {
        let peer = try await NetworkNamespace()
        let broker = try await MosquittoBroker()
        let edge = try EdgeProcess(brokerPort: broker.port, httpHost: "0.0.0.0")
        try await edge.start()
        defer { Task { _ = await edge.stop() } }
        let (_, body) = try await peer.run("curl", ["-s", "--max-time", "5", "http://\(peer.hostAddress):\(edge.httpPort)/api/v1/alerts"])
        #expect(body.contains("loopback only") && body.contains("http.api_token_file"), "\(body)")
        #expect(try await status(from: peer, "http://\(peer.hostAddress):\(edge.httpPort)/metrics") == "200")
        #expect(HTTPGet.fetch(port: edge.httpPort, path: "/api/v1/alerts")?.status == 200)
    }
}
