import Foundation
import TestSupport

/// Shared pieces of the forwarding tests.
enum ForwardTest {
    static let topics = (1...4).map { "factory/seoul/line\($0)/press-0\($0)/temperature" }

    /// An edge forwarding to `urls` with the token in `edge.token` next to its config.
    /// - Parameters:
    ///   - forward: more `forward:` settings as YAML flow items (`max_rate: 5000`).
    ///   - batchReadings: `spool.batch_max_readings`.
    static func edge(
        broker: MosquittoBroker, urls: [String], token: String, forward: [String] = [], batchReadings: Int = 1_000,
        batchAge: String = "200ms", rules: String? = nil
    ) throws -> EdgeProcess {
        let settings = (["urls: [\(urls.map { "\"\($0)\"" }.joined(separator: ", "))]", "token_file: edge.token",
                         "timeout: 2s", "backoff: {initial: 50ms, max: 1s}"] + forward).joined(separator: ", ")
        let edge = try EdgeProcess(
            brokerPort: broker.port, spool: "batch_max_readings: \(batchReadings)\nbatch_max_age: \(batchAge)", rules: rules,
            extra: "forward: {\(settings)}")
        try (token + "\n").write(toFile: edge.directory.file("edge.token"), atomically: true, encoding: .utf8)
        return edge
    }

    /// Waits until the spool holds no sealed or open reading (everything was acknowledged).
    static func drained(_ edge: EdgeProcess, timeout: Duration = .seconds(60)) async -> Bool {
        await eventually(timeout: timeout, poll: .milliseconds(100)) {
            guard let stats = try? edge.spoolStats() else { return false }
            return stats.readings == 0
        }
    }
}
