import Foundation
import TestSupport
import Testing

@Suite("Core config (integration)")
struct CoreConfigIntegrationTests {
    static func check(_ config: String, tokens: String? = "seoul-a: \"seoul-a-token-0123456789\"") async throws -> (status: Int32?, output: String) {
        let directory = try TemporaryDirectory(prefix: "haetae-core-config")
        try config.write(toFile: directory.file("core.yaml"), atomically: true, encoding: .utf8)
        if let tokens { try tokens.write(toFile: directory.file("edge-tokens.yaml"), atomically: true, encoding: .utf8) }
        let core = try ChildProcess(try BuiltProducts.executable("haetae-core"), ["config", "check", "--config", directory.file("core.yaml")])
        let status = await core.waitForExit(timeout: .seconds(20))
        return (status, core.output())
    }

    @Test("a good config checks out")
    func good() async throws {
        let (status, output) = try await Self.check("auth: {edge_tokens_file: edge-tokens.yaml}\nstorage: {backend: sqlite, path: core.db}\n")
        #expect(status == 0, "\(output)")
        #expect(output.contains("config ok"))
    }

    @Test("bad configs name the file, line and key", arguments: [
        ("auth: {edge_tokens_file: edge-tokens.yaml}\nhttp: {listen: \"nowhere\"}\n", "core.yaml:2: http.listen"),
        ("auth: {edge_tokens_file: edge-tokens.yaml}\nstorage: {backend: mongo}\n", "core.yaml:2: storage.backend"),
        ("auth: {edge_tokens_file: edge-tokens.yaml}\nstorage: {backend: postgres}\n", "storage.url"),
        ("auth: {edge_tokens_file: edge-tokens.yaml}\nhttp: {lisen: \":80\"}\n", "core.yaml:2: http.lisen: unknown key"),
        ("storage: {backend: sqlite}\n", "auth.edge_tokens_file: required"),
        ("auth: {edge_tokens_file: missing.yaml}\n", "cannot read"),
        ("auth: {edge_tokens_file: edge-tokens.yaml}\nhttp: {tls: {key_file: core.key}}\n", "core.yaml:2: http.tls.cert_file: required with http.tls"),
        ("auth: {edge_tokens_file: edge-tokens.yaml}\nhttp: {tls: {cert_file: core.crt}}\n", "core.yaml:2: http.tls.key_file: required with http.tls"),
        ("auth: {edge_tokens_file: edge-tokens.yaml}\nhttp:\n  tls: {cert_file: nope.crt, key_file: nope.key}\n", "core.yaml:3: http.tls.cert_file: cannot read"),
    ])
    func bad(config: String, expected: String) async throws {
        let (status, output) = try await Self.check(config)
        #expect(status == 1)
        #expect(output.contains(expected), "\(output)")
    }

    @Test("a short token is refused without being printed")
    func shortToken() async throws {
        let (status, output) = try await Self.check("auth: {edge_tokens_file: edge-tokens.yaml}\n", tokens: "seoul-a: \"tiny-secret\"\n")
        #expect(status == 1)
        #expect(output.contains("at least 16 characters"))
        #expect(!output.contains("tiny-secret"))
    }

    @Test("the repository's placeholder token is refused at start, naming the file and the edge")
    func placeholderToken() async throws {
        let (status, output) = try await Self.check(
            "auth: {edge_tokens_file: edge-tokens.yaml}\n", tokens: "seoul-a: \"PLACEHOLDER-replace-me-haetae-edge-seoul-0\"\n")
        #expect(status == 1)
        #expect(output.contains("edge-tokens.yaml:1: seoul-a: the token is the repository's public placeholder"), "\(output)")
    }
}
