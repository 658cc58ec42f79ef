import Foundation
import TestSupport

/// The shipped Prometheus files (`Deploy/prometheus`) and `promtool` run on them and on text.
enum PrometheusFiles {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Deploy/prometheus")
    static var rules: String { folder.appendingPathComponent("haetae-alerts.yaml").path }
    static var ruleTests: String { folder.appendingPathComponent("haetae-alerts.test.yaml").path }
    static var scrapeConfig: String { folder.appendingPathComponent("prometheus.yaml").path }

    /// An edge rule file: an overheating device alerts by webhook.
    static let edgeRules = """
        rules:
          - name: overheat
            match: {sensor: temperature}
            when: value > 90
            severity: critical
            actions:
              - webhook: default
        """

    /// The rules with every `for:` at 0s, so a live test sees each fire as soon as its condition holds.
    static func rulesWithoutWaiting() throws -> String {
        let text = try String(contentsOfFile: rules, encoding: .utf8)
        return text.replacingOccurrences(of: #"for: \d+[smh]"#, with: "for: 0s", options: .regularExpression)
    }

    /// `promtool ARGUMENTS` with `input` on its standard input: exit status and everything it printed.
    static func promtool(_ arguments: [String], input: String? = nil) async throws -> (status: Int32?, output: String) {
        let directory = try TemporaryDirectory(prefix: "haetae-promtool")
        defer { directory.remove() }
        var command = (["promtool"] + arguments).map { "'\($0)'" }.joined(separator: " ")
        if let input {
            let file = directory.file("input.txt")
            try input.write(toFile: file, atomically: true, encoding: .utf8)
            command += " < '\(file)'"
        }
        let process = try ChildProcess("/bin/sh", ["-c", command + " 2>&1"])
        let status = await process.waitForExit(timeout: .seconds(60))
        return (status, process.output())
    }
}
