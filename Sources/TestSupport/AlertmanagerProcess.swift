import Foundation

/// A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`, 0.25) on a free loopback
/// port, without clustering, routing every alert to one webhook receiver with short group timers
/// and `send_resolved`, so tests see its grouping and resolving within seconds. Killed when it
/// goes away.
public final class AlertmanagerProcess: Sendable {
    public let port: Int
    private let directory: TemporaryDirectory
    private let process: ChildProcess

    /// - Parameters:
    ///   - webhookURL: where Alertmanager sends its notifications.
    ///   - groupBy: the route's `group_by`.
    public init(webhookURL: String, groupBy: [String] = ["alertname", "site"]) async throws {
        directory = try TemporaryDirectory(prefix: "haetae-alertmanager")
        port = FreePort.allocate()
        try """
            route:
              receiver: hooks
              group_by: [\(groupBy.joined(separator: ", "))]
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: hooks
                webhook_configs:
                  - url: "\(webhookURL)"
                    send_resolved: true
            """.write(toFile: directory.file("alertmanager.yml"), atomically: true, encoding: .utf8)
        process = try ChildProcess(
            "prometheus-alertmanager",
            ["--config.file=\(directory.file("alertmanager.yml"))", "--storage.path=\(directory.file("data"))",
             "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=", "--log.level=warn"],
            outputDirectory: directory.path)
        let port = self.port
        let process = process
        guard await eventually(timeout: .seconds(20), poll: .milliseconds(50), {
            !process.isRunning || HTTPGet.fetch(port: port, path: "/-/ready")?.status == 200
        }), process.isRunning else {
            throw TestSupportError("alertmanager did not become ready on port \(port): \(process.output())")
        }
    }

    deinit {
        process.kill()
        directory.remove()
    }

    /// `http://127.0.0.1:PORT`.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Alertmanager's view: `GET /api/v2/alerts` (active, silenced and inhibited ones; resolved
    /// ones leave it).
    public func alerts() -> [[String: Any]] {
        guard let body = HTTPGet.fetch(port: port, path: "/api/v2/alerts")?.body,
            let list = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]]
        else { return [] }
        return list
    }

    /// Adds a silence matching `label = value` for an hour; its id.
    public func silence(_ label: String, _ value: String) throws -> String {
        let now = Date()
        let format = ISO8601DateFormatter()
        let body = try JSONSerialization.data(withJSONObject: [
            "matchers": [["name": label, "value": value, "isRegex": false, "isEqual": true]],
            "startsAt": format.string(from: now), "endsAt": format.string(from: now.addingTimeInterval(3_600)),
            "createdBy": "haetae-test", "comment": "maintenance",
        ])
        guard let answer = HTTPRequest.send(
            port: port, path: "/api/v2/silences", headers: [("Content-Type", "application/json")], body: Array(body)),
            answer.status == 200,
            let object = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
            let id = object["silenceID"] as? String
        else { throw TestSupportError("alertmanager refused the silence") }
        return id
    }

    /// What it printed (for failure messages).
    public func output() -> String { process.output() }
}
