import Foundation
import Readings
import TestSupport
import Testing

/// The edge → core link over HTTPS with mutual TLS, with certificates from
/// Deploy/security/make-certs: the core serves HTTPS and takes a batch only with a bearer token
/// *and* a client certificate naming the same edge; the edge verifies the core against its CA.
@Suite("Edge → core over mutual TLS (integration)", .serialized, .timeLimit(.minutes(3)))
struct MutualTLSIntegrationTests {
    /// A CA, the core's certificate (127.0.0.1), client certificates for `test-edge` and
    /// `other-edge`, and a core on HTTPS with `client_ca_file` that knows both edges.
    final class SecureCore: @unchecked Sendable {  // used from one test task at a time
        let directory: TemporaryDirectory
        let port = FreePort.allocate()
        let tokens = ["test-edge": "test-edge-token-\(UUID().uuidString.prefix(12))", "other-edge": "other-edge-token-\(UUID().uuidString.prefix(12))"]
        let child: ChildProcess
        var pki: String { directory.file("pki") }
        var url: String { "https://127.0.0.1:\(port)" }

        init() async throws {
            directory = try TemporaryDirectory(prefix: "haetae-tls-core")
            let makeCerts = SecureSiteBroker.repositoryPath("Deploy/security/make-certs")
            try await ChildProcess.run(makeCerts, [directory.file("pki"), "ca"])
            try await ChildProcess.run(makeCerts, [directory.file("pki"), "server", "core", "127.0.0.1,localhost"])
            for edge in ["test-edge", "other-edge"] { try await ChildProcess.run(makeCerts, [directory.file("pki"), "client", edge]) }
            try tokens.sorted { $0.key < $1.key }.map { "\($0.key): {token: \"\($0.value)\", sites: [seoul]}\n" }.joined()
                .write(toFile: directory.file("edge-tokens.yaml"), atomically: true, encoding: .utf8)
            try """
                http:
                  listen: "127.0.0.1:\(port)"
                  tls: {cert_file: pki/core.crt, key_file: pki/core.key, client_ca_file: pki/ca.crt}
                storage: {backend: sqlite, path: core.db}
                auth: {edge_tokens_file: edge-tokens.yaml}
                log: {level: info}
                """.write(toFile: directory.file("core.yaml"), atomically: true, encoding: .utf8)
            child = try ChildProcess(try BuiltProducts.executable("haetae-core"), ["run", "--config", directory.file("core.yaml")], outputDirectory: directory.path)
            var ready = false
            for _ in 0..<100 where child.isRunning && !ready {
                ready = (try? await curl(["\(url)/readyz"]).output) == "ready\n"
                if !ready { try await Task.sleep(for: .milliseconds(200)) }
            }
            guard ready, child.isRunning else { throw TestSupportError("the TLS core did not become ready: \(child.output())") }
        }

        deinit { child.terminate() }

        /// curl with the demo CA trusted; the HTTP status (`-w`) last on its own line.
        func curl(_ arguments: [String]) async throws -> (status: Int32, output: String) {
            let process = try ChildProcess("curl", ["-sS", "--max-time", "10", "--cacert", "\(pki)/ca.crt"] + arguments)
            let status = await process.waitForExit(timeout: .seconds(20)) ?? -1
            return (status, process.standardOutput())
        }

        /// Readings the core stored for site seoul (read from loopback, no token).
        func storedReadings() async -> Int {
            guard let text = try? await curl(["\(url)/api/v1/series?site=seoul"]).output,
                let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                let series = object["series"] as? [[String: Any]]
            else { return -1 }
            return series.reduce(0) { $0 + (($1["count"] as? Int) ?? 0) }
        }
    }

    /// One batch of one reading, as the edge encodes it.
    static let batch = BatchCodec.encode(Batch(
        edge: "test-edge", seq: 1, series: [Series(site: "seoul", line: "line1", device: "press-01", sensor: "temperature", unit: "C")],
        sid: [0], ts: [1_795_000_000_000], value: [21.5], deviceSeq: [1]))

    @Test("the edge forwards every reading over mutual TLS: the core checks its certificate beside its token")
    func forwardsOverMutualTLS() async throws {
        let core = try await SecureCore()
        let broker = try await MosquittoBroker()
        let edge = try ForwardTest.edge(
            broker: broker, urls: [core.url], token: core.tokens["test-edge"]!,
            forward: ["tls: {ca_file: \(core.pki)/ca.crt, cert_file: \(core.pki)/test-edge.crt, key_file: \(core.pki)/test-edge.key}"])
        try await edge.start()
        try await Publisher.publishBulk(port: broker.port, count: 2_000, qos: 1, topics: ForwardTest.topics)
        #expect(await ForwardTest.drained(edge), "\(edge.output())")
        // Read back over HTTPS with curl, which a starved test machine may time out once.
        var stored = -1
        #expect(await eventually(timeout: .seconds(30), poll: .milliseconds(500)) {
            stored = await core.storedReadings()
            return stored == 2_000
        }, "stored \(stored)")
        #expect(edge.metric("haetae_forward_readings_sent_total") == 2_000)
        #expect(await edge.stop() == 0)
    }

    @Test("an edge that does not trust the core's CA sends nothing and keeps every reading")
    func edgeRefusesAnUnknownCore() async throws {
        let core = try await SecureCore()
        let stranger = try await TestCertificateAuthority(commonName: "Another CA")
        let broker = try await MosquittoBroker()
        let edge = try ForwardTest.edge(
            broker: broker, urls: [core.url], token: core.tokens["test-edge"]!,
            forward: ["tls: {ca_file: \(stranger.caCertificate), cert_file: \(core.pki)/test-edge.crt, key_file: \(core.pki)/test-edge.key}"])
        try await edge.start()
        try await Publisher.publishBulk(port: broker.port, count: 200, qos: 1, topics: ForwardTest.topics)
        #expect(await eventually(timeout: .seconds(15)) { (edge.metric("haetae_forward_batches_failed_total", labels: "reason=\"unreachable\"") ?? 0) > 0 },
                "\(edge.metrics().split(separator: "\n").filter { $0.contains("forward_batches_failed") })")
        #expect(await core.storedReadings() == 0)
        #expect(try edge.spoolStats()?.readings == 200)
        #expect(await edge.stop() == 0)
    }

    @Test("the core refuses a batch without a client certificate (401), with another edge's certificate (403) or one of another CA, and plain HTTP; the page needs no certificate")
    func coreRefusesWhatTLSDoesNotProve() async throws {
        let core = try await SecureCore()
        let body = core.directory.file("batch.json")
        try Data(Self.batch).write(to: URL(fileURLWithPath: body))
        let post = ["-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Content-Type: application/json",
                    "-H", "Authorization: Bearer \(core.tokens["test-edge"]!)", "--data-binary", "@\(body)", "\(core.url)/api/v1/batches"]
        #expect(try await core.curl(post).output == "401", "no client certificate")
        #expect(try await core.curl(["--cert", "\(core.pki)/other-edge.crt", "--key", "\(core.pki)/other-edge.key"] + post).output == "403",
                "another edge's certificate with this edge's token")
        let stranger = try await TestCertificateAuthority(commonName: "Another CA")
        #expect(try await core.curl(["--cert", stranger.clientCertificate, "--key", stranger.clientKey] + post).status != 0,
                "a certificate of another CA fails the handshake")
        #expect(try await core.curl(["--cert", "\(core.pki)/test-edge.crt", "--key", "\(core.pki)/test-edge.key"] + post).output == "200")
        #expect(await core.storedReadings() == 1)

        let plain = try ChildProcess("curl", ["-sS", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(core.port)/healthz"])
        _ = await plain.waitForExit(timeout: .seconds(10))
        #expect(plain.standardOutput() != "200", "plain HTTP to the TLS core: \(plain.output())")
        #expect(try await core.curl(["-o", "/dev/null", "-w", "%{http_code}", "\(core.url)/"]).output == "200", "the page over HTTPS without a certificate")
    }
}
