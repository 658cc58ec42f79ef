import Foundation

/// A real Prometheus server (Debian's `prometheus`, 2.42) on a free loopback port, scraping the
/// given targets every `interval` and evaluating the given rule files as often. Killed when it
/// goes away.
public final class PrometheusServer: Sendable {
    /// A scrape job: its name and `host:port` targets, with extra target labels.
    public struct Job: Sendable {
        public var name: String
        public var targets: [String]
        public var labels: [String: String]

        public init(name: String, targets: [String], labels: [String: String] = [:]) {
            self.name = name
            self.targets = targets
            self.labels = labels
        }
    }

    public let port: Int
    private let directory: TemporaryDirectory
    private let process: ChildProcess

    /// - Parameters:
    ///   - jobs: what it scrapes.
    ///   - ruleFiles: rule files' text, written beside its config and loaded.
    ///   - interval: scrape and rule evaluation interval.
    public init(jobs: [Job], ruleFiles: [String] = [], interval: Duration = .seconds(1)) async throws {
        directory = try TemporaryDirectory(prefix: "haetae-prometheus")
        port = FreePort.allocate()
        var ruleNames: [String] = []
        for (index, text) in ruleFiles.enumerated() {
            let name = directory.file("rules-\(index).yaml")
            try text.write(toFile: name, atomically: true, encoding: .utf8)
            ruleNames.append(name)
        }
        let seconds = "\(max(interval.components.seconds, 1))s"
        let jobsText = jobs.map { job in
            let labels = job.labels.sorted { $0.key < $1.key }.map { "\($0.key): \"\($0.value)\"" }.joined(separator: ", ")
            return """
                  - job_name: "\(job.name)"
                    static_configs:
                      - targets: [\(job.targets.map { "\"\($0)\"" }.joined(separator: ", "))]
                        labels: {\(labels)}
                """
        }.joined(separator: "\n")
        try """
            global:
              scrape_interval: \(seconds)
              scrape_timeout: \(seconds)
              evaluation_interval: \(seconds)
            rule_files: [\(ruleNames.map { "\"\($0)\"" }.joined(separator: ", "))]
            scrape_configs:
            \(jobsText)
            """.write(toFile: directory.file("prometheus.yml"), atomically: true, encoding: .utf8)
        process = try ChildProcess(
            "prometheus",
            ["--config.file=\(directory.file("prometheus.yml"))", "--storage.tsdb.path=\(directory.file("data"))",
             "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn"],
            outputDirectory: directory.path)
        let port = self.port
        let process = process
        guard await eventually(timeout: .seconds(30), poll: .milliseconds(100), {
            !process.isRunning || HTTPGet.fetch(port: port, path: "/-/ready")?.status == 200
        }), process.isRunning else {
            throw TestSupportError("prometheus did not become ready on port \(port): \(process.output())")
        }
    }

    deinit {
        process.kill()
        directory.remove()
    }

    /// Alerts by name with their state (`pending` or `firing`) and labels: `GET /api/v1/alerts`.
    public func alerts() -> [(name: String, state: String, labels: [String: String])] {
        guard let body = HTTPGet.fetch(port: port, path: "/api/v1/alerts")?.body,
            let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            let data = object["data"] as? [String: Any], let list = data["alerts"] as? [[String: Any]]
        else { return [] }
        return list.compactMap { alert in
            guard let labels = alert["labels"] as? [String: String], let name = labels["alertname"], let state = alert["state"] as? String
            else { return nil }
            return (name, state, labels)
        }
    }

    /// Names of the alerts firing now.
    public func firing() -> Set<String> {
        Set(alerts().filter { $0.state == "firing" }.map(\.name))
    }

    /// The health of each scrape target by job (`up`, `down`, `unknown`): `GET /api/v1/targets`.
    public func targetHealth() -> [String: [String]] {
        guard let body = HTTPGet.fetch(port: port, path: "/api/v1/targets")?.body,
            let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            let data = object["data"] as? [String: Any], let active = data["activeTargets"] as? [[String: Any]]
        else { return [:] }
        var health: [String: [String]] = [:]
        for target in active {
            guard let labels = target["labels"] as? [String: String], let job = labels["job"] else { continue }
            health[job, default: []].append(target["health"] as? String ?? "unknown")
        }
        return health
    }

    /// What it printed (for failure messages).
    public func output() -> String { process.output() }
}
