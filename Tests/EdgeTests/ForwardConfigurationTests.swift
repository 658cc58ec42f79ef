import ConfigFile
@testable import Edge
import Foundation
import TestSupport
import Testing

@Suite("Edge configuration: forward")
struct ForwardConfigurationTests {
    static let secretToken = "tok-3f9a1c-very-secret"

    /// Writes `edge.yaml` with `forward` lines and a token file next to it; returns the config path.
    static func write(_ forward: String, token: String? = secretToken) throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory(prefix: "haetae-fwd-config")
        if let token { try (token + "\n").write(toFile: directory.file("edge.token"), atomically: true, encoding: .utf8) }
        let path = directory.file("edge.yaml")
        try ("edge: {id: seoul-a, site: seoul}\n" + forward).write(toFile: path, atomically: true, encoding: .utf8)
        return (directory, path)
    }

    @Test("no forward section: forwarding is off")
    func offByDefault() throws {
        let config = try EdgeConfiguration.parse("edge: {id: seoul-a, site: seoul}\n", path: "edge.yaml")
        #expect(config.forward == nil)
    }

    @Test("the documented forward section parses; the token comes from the file next to the config")
    func parses() throws {
        let (directory, path) = try Self.write("""
            forward: {urls: ["http://127.0.0.1:8080/", "https://core.daejeon:8443/haetae"], token_file: edge.token,
                      in_flight: 6, timeout: 5s, max_rate: 20000, backoff: {initial: 200ms, max: 2m}}
            """)
        defer { directory.remove() }
        let forward = try #require(try EdgeConfiguration.load(path: path, environment: [:]).forward)
        #expect(forward.urls == ["http://127.0.0.1:8080", "https://core.daejeon:8443/haetae"])
        #expect(forward.token == Self.secretToken)
        #expect(forward.inFlight == 6 && forward.timeout == .seconds(5) && forward.maxRate == 20_000)
        #expect(forward.backoffInitial == .milliseconds(200) && forward.backoffMax == .seconds(120))
    }

    @Test("defaults: 4 in flight, 10 s timeout, no rate cap")
    func defaults() throws {
        let (directory, path) = try Self.write("forward: {urls: [\"http://127.0.0.1:8080\"], token_file: edge.token}\n")
        defer { directory.remove() }
        let forward = try #require(try EdgeConfiguration.load(path: path, environment: [:]).forward)
        #expect(forward.inFlight == 4 && forward.timeout == .seconds(10) && forward.maxRate == 0)
        #expect(forward.backoffInitial == .milliseconds(500) && forward.backoffMax == .seconds(10))
    }

    @Test("environment overrides: urls comma-separated, the token from the variable token_env names")
    func environment() throws {
        let (directory, path) = try Self.write("", token: nil)
        defer { directory.remove() }
        let forward = try #require(try EdgeConfiguration.load(path: path, environment: [
            "HAETAE_FORWARD_URLS": "http://a:1, http://b:2", "HAETAE_FORWARD_TOKEN_ENV": "HAETAE_FORWARD_TOKEN",
            "HAETAE_FORWARD_TOKEN": Self.secretToken, "HAETAE_FORWARD_MAX_RATE": "5000",
        ]).forward)
        #expect(forward.urls == ["http://a:1", "http://b:2"])
        #expect(forward.token == Self.secretToken && forward.maxRate == 5_000)
    }

    @Test("a placeholder token or webhook secret from the repository is refused, naming the key")
    func placeholderSecrets() throws {
        let (directory, path) = try Self.write("forward: {urls: [\"http://127.0.0.1:8080\"], token_file: edge.token}\n", token: "PLACEHOLDER-replace-me-haetae-edge-seoul-0")
        defer { directory.remove() }
        #expect {
            _ = try EdgeConfiguration.load(path: path, environment: [:])
        } throws: { error in
            "\(error)".contains("forward.token_file") && "\(error)".contains("public placeholder")
        }
        try "whsec_PLACEHOLDERreplaceMEseoulWebhookSecret0\n".write(toFile: directory.file("hook.whsec"), atomically: true, encoding: .utf8)
        try "edge: {id: seoul-a, site: seoul}\nwebhooks: {default: {url: \"http://127.0.0.1:9\", secret_file: hook.whsec}}\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            _ = try EdgeConfiguration.load(path: path, environment: [:])
        } throws: { error in
            "\(error)".contains("webhooks.default.secret_file") && "\(error)".contains("public placeholder")
        }
    }

    @Test("bad forward settings name the file, line and key, and never the token", arguments: [
        ("forward: {token_file: edge.token}\n", ":2: forward.urls: required"),
        ("forward: {urls: [\"ftp://core\"], token_file: edge.token}\n", ":2: forward.urls: expected http:// or https://"),
        ("forward: {urls: [\"http://user:pw@core\"], token_file: edge.token}\n", ":2: forward.urls: expected http:// or https://"),
        ("forward: {urls: [\"http://core\"]}\n", ":2: forward.token_file: required"),
        ("forward: {urls: [\"http://core\"], token_file: missing.token}\n", ":2: forward.token_file: cannot read"),
        ("forward: {urls: [\"http://core\"], token_file: edge.token, token_env: X}\n", ":2: forward.token_file: give token_file or token_env, not both"),
        ("forward: {urls: [\"http://core\"], token_env: NOT_SET_ANYWHERE}\n", ":2: forward.token_env: the variable NOT_SET_ANYWHERE is not set"),
        ("forward:\n  urls: [\"http://core\"]\n  token: \(secretToken)\n", ":4: forward.token: a token is not accepted in the config file"),
        ("forward: {urls: [\"http://core\"], token_file: edge.token, in_flight: 0}\n", ":2: forward.in_flight: expected an integer from 1 to 64"),
        ("forward: {urls: [\"http://core\"], token_file: edge.token, backoff: {initial: 5s, max: 1s}}\n", ":2: forward.backoff.max: must be at least"),
        ("forward: {urls: [\"http://core\"], token_file: edge.token, retries: 3}\n", ":2: forward.retries: unknown key"),
        ("forward: {urls: [\"https://core\"], token_file: edge.token, tls: {cert_file: edge.token, key_file: edge.token}}\n", ":2: forward.tls.ca_file: TLS needs a ca_file"),
        ("forward: {urls: [\"https://core\"], token_file: edge.token, tls: {ca_file: missing-ca.crt}}\n", ":2: forward.tls.ca_file: cannot read"),
        ("forward: {urls: [\"https://core\"], token_file: edge.token, tls: {ca_file: edge.token, cert_file: edge.token}}\n", ":2: forward.tls.key_file: a client certificate needs both"),
        ("forward: {urls: [\"http://core\"], token_file: edge.token, tls: {ca_file: edge.token}}\n", ":2: forward.tls: TLS files are set but no forward.urls is https://"),
    ])
    func badSettings(yaml: String, expected: String) throws {
        let (directory, path) = try Self.write(yaml)
        defer { directory.remove() }
        do {
            _ = try EdgeConfiguration.load(path: path, environment: [:])
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.description.contains(path + expected), "\(error.description)")
            #expect(!error.description.contains(Self.secretToken))
        }
    }

    @Test("a token with spaces or control characters is refused without being echoed")
    func tokenCharacters() throws {
        let (directory, path) = try Self.write("forward: {urls: [\"http://core\"], token_file: edge.token}\n", token: "two words secret")
        defer { directory.remove() }
        #expect {
            try EdgeConfiguration.load(path: path, environment: [:])
        } throws: { error in
            "\(error)".contains("printable ASCII") && !"\(error)".contains("secret")
        }
    }
}

@Suite("Edge configuration: webhook TLS")
struct WebhookTLSConfigurationTests {
    @Test("a receiver's tls files are read relative to the config; tls on an http:// url or without a readable CA is refused, naming the key")
    func webhookTLS() throws {
        let directory = try TemporaryDirectory(prefix: "haetae-webhook-tls-config")
        defer { directory.remove() }
        try "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n".write(toFile: directory.file("hook.whsec"), atomically: true, encoding: .utf8)
        try "not really a CA, but readable\n".write(toFile: directory.file("ca.crt"), atomically: true, encoding: .utf8)
        func load(_ webhook: String) throws -> EdgeConfiguration {
            let path = directory.file("edge.yaml")
            try ("edge: {id: seoul-a, site: seoul}\nwebhooks:\n  oncall: {secret_file: hook.whsec, " + webhook + "}\n")
                .write(toFile: path, atomically: true, encoding: .utf8)
            return try EdgeConfiguration.load(path: path, environment: [:])
        }
        let config = try load("url: \"https://hooks.example:9443/x\", tls: {ca_file: ca.crt}")
        #expect(config.webhooks.first?.tls == ClientTLSFiles(caFile: directory.file("ca.crt")))
        for (webhook, expected) in [
            ("url: \"http://hooks.example/x\", tls: {ca_file: ca.crt}", ":3: webhooks.oncall.tls: TLS files are set but the url is not https://"),
            ("url: \"https://hooks.example/x\", tls: {ca_file: missing.crt}", ":3: webhooks.oncall.tls.ca_file: cannot read"),
        ] {
            do {
                _ = try load(webhook)
                Issue.record("accepted: \(webhook)")
            } catch {
                #expect("\(error)".contains(directory.file("edge.yaml") + expected), "\(error)")
            }
        }
    }
}
