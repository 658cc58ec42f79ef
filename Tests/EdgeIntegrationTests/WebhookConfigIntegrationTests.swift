import Foundation
import TestSupport
import Testing

/// `haetae-edge config check` on bad `webhooks:` sections: exit 1, the file, line and key, and
/// never the secret.
@Suite("Webhook config check (integration)", .timeLimit(.minutes(2)))
struct WebhookConfigIntegrationTests {
    /// A secret that must never appear in any output; valid base64 after a wrong prefix.
    static let leaked = "TOPSECRETdGhpcyBpcyBzZWNyZXQ"

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// The lines under `  oncall:` (line 5 of the file is the first of them).
        var receiver: [String]
        var secretFile: String? = nil
        var environment: [String: String] = [:]
        /// `FILE:LINE: key: reason` after the file name.
        var expected: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "missing secret", receiver: ["url: http://127.0.0.1:9/hooks"],
            expected: ":4: webhooks.oncall.secret_file: required: secret_file (or secret_env) holding the whsec_… signing secret"),
        Case(
            name: "secret file without whsec_", receiver: ["url: http://127.0.0.1:9/hooks", "secret_file: oncall.secret"],
            secretFile: leaked,
            expected: ":6: webhooks.oncall.secret_file: webhook secret must be \"whsec_\" followed by base64"),
        Case(
            name: "secret variable not base64", receiver: ["url: http://127.0.0.1:9/hooks", "secret_env: ONCALL_SECRET"],
            environment: ["ONCALL_SECRET": "whsec_" + leaked + "!!"],
            expected: ":6: webhooks.oncall.secret_env: webhook secret is not base64"),
        Case(
            name: "secret variable not set", receiver: ["url: http://127.0.0.1:9/hooks", "secret_env: NOT_SET_ANYWHERE"],
            expected: ":6: webhooks.oncall.secret_env: the variable NOT_SET_ANYWHERE is not set"),
        Case(
            name: "secret inline in the config", receiver: ["url: http://127.0.0.1:9/hooks", "secret: whsec_" + leaked],
            expected: ":6: webhooks.oncall.secret: a secret is not accepted in the config file"),
        Case(
            name: "bad url", receiver: ["url: ftp://127.0.0.1/hooks", "secret_file: oncall.secret"],
            secretFile: AlertTest.secret,
            expected: ":5: webhooks.oncall.url: expected an http:// or https:// URL, got \"ftp://127.0.0.1/hooks\""),
        Case(
            name: "missing url", receiver: ["secret_file: oncall.secret"], secretFile: AlertTest.secret,
            expected: ":4: webhooks.oncall.url: required: where to POST alerts"),
        Case(
            name: "unknown key", receiver: ["url: http://127.0.0.1:9/hooks", "secret_file: oncall.secret", "retries: 3"],
            secretFile: AlertTest.secret,
            expected: ":7: webhooks.oncall.retries: unknown key (known here: max_age, secret_env, secret_file, timeout, tls, type, url)"),
    ]

    @Test("a bad webhooks section fails config check naming file:line and key, without printing the secret", arguments: cases)
    func badWebhooks(_ bad: Case) async throws {
        let directory = try TemporaryDirectory()
        let config = directory.file("edge.yaml")
        if let secretFile = bad.secretFile {
            try (secretFile + "\n").write(toFile: directory.file("oncall.secret"), atomically: true, encoding: .utf8)
        }
        try (["edge: {id: a, site: seoul}", "spool: {path: spool.db}", "webhooks:", "  oncall:"] + bad.receiver.map { "    " + $0 })
            .joined(separator: "\n").write(toFile: config, atomically: true, encoding: .utf8)
        let child = try ChildProcess(
            try BuiltProducts.executable("haetae-edge"), ["config", "check", "--config", config],
            environment: ProcessInfo.processInfo.environment.merging(bad.environment) { $1 })
        let status = await child.waitForExit(timeout: .seconds(20))
        if status == nil { child.kill() }
        #expect(status == 1)
        #expect(child.output().contains(config + bad.expected), "\(child.output())")
        #expect(!child.output().contains(Self.leaked), "the secret was printed: \(child.output())")
        #expect(!child.output().contains(AlertTest.secret))
    }
}
