import Foundation
import Spool
import TestSupport

/// A real `haetae-edge run` process with its own config, spool and ops port, for one test.
final class EdgeProcess: @unchecked Sendable {  // used from one test task at a time
    let directory: TemporaryDirectory
    let configPath: String
    let httpPort: Int
    let binary: String
    private(set) var child: ChildProcess?
    private var runs = 0

    /// A webhook receiver for `webhooks:`; its secret goes to a file next to the config.
    struct Webhook {
        var name = "default"
        var url: String
        var secret: String
        /// More settings of the receiver, as YAML lines (`timeout: 1s`).
        var settings: [String] = ["timeout: 1s"]
    }

    /// Writes `edge.yaml` for a broker on `brokerPort`; `extra` lines are appended as YAML.
    /// - Parameters:
    ///   - rules: the rule file's text, written to `rules.yaml` and configured as `rules.path`.
    ///   - rulesSettings: more `rules:` settings as YAML lines (only with `rules`).
    ///   - webhooks: receivers written as `webhooks:`.
    convenience init(
        brokerPort: Int, clientID: String = "haetae-test-\(UUID().uuidString.prefix(6))", topics: [String] = ["factory/#"],
        mqtt: String = "", spool: String = "", spoolFile: String? = nil,
        rules: String? = nil, rulesSettings: [String] = ["watch_interval: 200ms"], webhooks: [Webhook] = [], extra: String = "",
        httpHost: String = "127.0.0.1", http: String = ""
    ) throws {
        try self.init(brokerPort: brokerPort, edgeID: "test-edge", clientID: clientID, topics: topics, mqtt: mqtt, spool: spool,
                      spoolFile: spoolFile, rules: rules, rulesSettings: rulesSettings, webhooks: webhooks, extra: extra,
                      httpHost: httpHost, http: http)
    }

    /// As above, with this edge's id (`edge.id`; the site is `seoul`).
    init(
        brokerPort: Int, edgeID: String, clientID: String, topics: [String] = ["factory/#"],
        mqtt: String = "", spool: String = "", spoolFile: String? = nil,
        rules: String? = nil, rulesSettings: [String] = ["watch_interval: 200ms"], webhooks: [Webhook] = [], extra: String = "",
        httpHost: String = "127.0.0.1", http: String = ""
    ) throws {
        directory = try TemporaryDirectory(prefix: "haetae-edge")
        configPath = directory.file("edge.yaml")
        httpPort = FreePort.allocate()
        binary = try BuiltProducts.executable("haetae-edge")
        spoolPath = spoolFile ?? directory.file("spool.db")
        var sections: [String] = []
        if let rules {
            try rules.write(toFile: directory.file("rules.yaml"), atomically: true, encoding: .utf8)
            sections.append((["rules:", "  path: rules.yaml"] + rulesSettings.map { "  " + $0 }).joined(separator: "\n"))
        }
        if !webhooks.isEmpty {
            var lines = ["webhooks:"]
            for webhook in webhooks {
                let secretFile = directory.file("\(webhook.name).secret")
                try (webhook.secret + "\n").write(toFile: secretFile, atomically: true, encoding: .utf8)
                lines += ["  \(webhook.name):", "    url: \(webhook.url)", "    secret_file: \(secretFile)"]
                lines += webhook.settings.map { "    " + $0 }
            }
            sections.append(lines.joined(separator: "\n"))
        }
        sections.append(extra)
        let config = """
            edge: {id: \(edgeID), site: seoul}
            mqtt:
              host: 127.0.0.1
              port: \(brokerPort)
              client_id: \(clientID)
              qos: 1
              topics: [\(topics.map { "\"\($0)\"" }.joined(separator: ", "))]
              keepalive: 10s
              reconnect: {initial: 50ms, max: 500ms}
            \(mqtt.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            spool:
              path: \(spoolPath)
              synchronous: normal
            \(spool.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            http:
              listen: "\(httpHost):\(httpPort)"
            \(http.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            log: {level: info, format: text}
            \(sections.joined(separator: "\n"))
            """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// The spool file (in the edge's directory unless the test put it elsewhere).
    let spoolPath: String
    /// The rule file (when the edge was given `rules`).
    var rulesPath: String { directory.file("rules.yaml") }

    /// Starts the gateway and waits until `/readyz` answers 200.
    func start(waitReady: Bool = true, environment: [String: String] = [:]) async throws {
        runs += 1
        let child = try ChildProcess(
            binary, ["run", "--config", configPath],
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, outputDirectory: directory.path)
        self.child = child
        guard waitReady else { return }
        let ready = await eventually(timeout: .seconds(20), poll: .milliseconds(20)) {
            !child.isRunning || HTTPGet.fetch(port: httpPort, path: "/readyz")?.status == 200
        }
        guard ready, child.isRunning else {
            throw TestSupportError("haetae-edge did not become ready: \(child.output())")
        }
    }

    /// SIGTERM, then waits for the exit status.
    @discardableResult
    func stop(timeout: Duration = .seconds(30)) async -> Int32? {
        guard let child else { return nil }
        child.terminate()
        let status = await child.waitForExit(timeout: timeout)
        if status == nil { child.kill() }
        return status
    }

    /// SIGKILL: no chance to commit anything.
    func kill() async {
        guard let child else { return }
        child.kill()
        _ = await child.waitForExit(timeout: .seconds(10))
    }

    /// SIGHUP: reload the rules.
    func hangUp() {
        child?.signal(SIGHUP)
    }

    /// Replaces the rule file: `atomically` by rename (as a ConfigMap update does), else by
    /// rewriting it in place.
    func writeRules(_ text: String, atomically: Bool = true) throws {
        try text.write(toFile: rulesPath, atomically: atomically, encoding: .utf8)
    }

    /// Everything every run of this edge logged.
    func output() -> String {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasPrefix("haetae-edge-") }.sorted()
            .compactMap { try? String(contentsOfFile: directory.file($0), encoding: .utf8) }
            .joined(separator: "\n")
    }

    /// A JSON object from the ops API (`/api/v1/rules`, `/api/v1/alerts?status=all`); nil when
    /// nothing answers or it is not an object.
    func api(_ path: String) -> [String: Any]? {
        guard let response = HTTPGet.fetch(port: httpPort, path: path), response.status == 200 else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any]
    }

    /// The `data` objects of `/api/v1/alerts` (firing) or `?status=all` (recent notifications).
    func alerts(status: String = "firing") -> [[String: Any]] {
        api("/api/v1/alerts?status=\(status)")?["alerts"] as? [[String: Any]] ?? []
    }

    func metrics() -> String { HTTPGet.fetch(port: httpPort, path: "/metrics")?.body ?? "" }

    func metric(_ name: String, labels: String = "") -> Double? {
        HTTPGet.metric(name, labels: labels, in: metrics())
    }

    /// Spooled readings, read straight from the spool file (works while the edge runs).
    func spooledReadings() throws -> [SpooledReading] {
        guard FileManager.default.fileExists(atPath: spoolPath) else { return [] }
        var readings: [SpooledReading] = []
        try SpoolReader(path: spoolPath).forEachReading { readings.append($0) }
        return readings
    }

    func spoolStats() throws -> SpoolStats? {
        guard FileManager.default.fileExists(atPath: spoolPath) else { return nil }
        return try SpoolReader(path: spoolPath).stats()
    }

    /// Runs a `haetae-edge` subcommand against this config.
    func command(_ arguments: [String]) async throws -> String {
        try await ChildProcess.run(binary, arguments + ["--config", configPath])
    }
}

/// Loss and duplicates of a run of device `seq` numbers 0..<expected.
struct SeqAccounting: CustomStringConvertible {
    var expected: Int
    var distinct: Int
    var duplicates: Int
    var missing: Int { expected - distinct }

    init(expected: Int, seqs: [Int64]) {
        self.expected = expected
        let inRange = seqs.filter { $0 >= 0 && $0 < expected }
        distinct = Set(inRange).count
        duplicates = inRange.count - distinct
    }

    var description: String { "expected \(expected), stored \(distinct) distinct, \(missing) missing, \(duplicates) duplicates" }
}
