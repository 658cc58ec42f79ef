import Foundation
import TestSupport

/// Shared pieces of the alert integration tests: the receiver secret, readings on the wire, a
/// real `mosquitto_sub` for stop commands, and reading webhook bodies.
enum AlertTest {
    /// The Standard Webhooks secret the edge signs with and the Python receiver verifies with.
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    /// Publishes one reading `{"ts":…,"value":…,"seq":…}` with `mosquitto_pub` at QoS 1.
    static func publish(
        _ broker: MosquittoBroker, device: String = "furnace-01", sensor: String = "temperature", line: String = "line1",
        value: Double, ts: Int64? = nil, seq: Int? = nil
    ) async throws {
        var fields = ["\"value\":\(value)"]
        if let ts { fields.insert("\"ts\":\(ts)", at: 0) }
        if let seq { fields.append("\"seq\":\(seq)") }
        try await Publisher.publish(
            port: broker.port, topic: "factory/seoul/\(line)/\(device)/\(sensor)", payload: "{\(fields.joined(separator: ","))}", qos: 1)
    }

    /// Starts `mosquitto_sub` on `filter` (QoS 1, `-v`) and returns once the broker has
    /// acknowledged its subscription, so nothing published afterwards can be missed.
    static func subscriber(_ broker: MosquittoBroker, filter: String, count: Int? = nil) async throws -> ChildProcess {
        let clientID = "sub-\(UUID().uuidString.prefix(8))"
        var arguments = ["-h", "127.0.0.1", "-p", "\(broker.port)", "-i", clientID, "-q", "1", "-t", filter, "-v"]
        if let count { arguments += ["-C", "\(count)"] }
        let child = try ChildProcess("mosquitto_sub", arguments)
        guard await eventually(timeout: .seconds(10), { broker.log().contains("Sending SUBACK to \(clientID)") || !child.isRunning }),
            child.isRunning
        else {
            child.kill()
            throw TestSupportError("mosquitto_sub did not subscribe: \(child.output())")
        }
        return child
    }

    /// An edge with the shipped factory rules (Deploy/rules/factory.yaml) sending signed webhooks
    /// to `hookPort` (the simulator's receiver); `config` adds YAML. Start it with
    /// `environment: ["SIM_WEBHOOK_SECRET": secret]`.
    static func factoryEdge(broker: MosquittoBroker, hookPort: Int, spool: String = "", spoolFile: String? = nil, config: String = "") throws -> EdgeProcess {
        let edge = try EdgeProcess(brokerPort: broker.port, spool: spool, spoolFile: spoolFile, extra: """
            rules: {path: rules.yaml}
            webhooks:
              default: {url: "http://127.0.0.1:\(hookPort)/hooks", secret_env: SIM_WEBHOOK_SECRET, timeout: 2s}
            \(config)
            """)
        try FileManager.default.copyItem(atPath: repositoryFile("Deploy/rules/factory.yaml"), toPath: edge.directory.file("rules.yaml"))
        return edge
    }

    /// A file of this repository, by its path from the root.
    static func repositoryFile(_ path: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(path).path
    }

    /// Milliseconds since the epoch, now.
    static func nowMillis() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1_000)
    }

    /// Milliseconds since the epoch of an RFC 3339 time with milliseconds (`2026-11-29T23:01:22.053Z`).
    static func millis(_ text: Any?) -> Int64? {
        guard let text = text as? String else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text).map { Int64(($0.timeIntervalSince1970 * 1_000).rounded()) }
    }
}

extension WebhookReceiverProcess.Request {
    /// The webhook body's `type`.
    var type: String? { json?["type"] as? String }
    /// The webhook body's `data` object.
    var data: [String: Any] { json?["data"] as? [String: Any] ?? [:] }
}
