import Foundation
import TestSupport
import Testing

@Suite("Rejected messages (integration)", .serialized, .timeLimit(.minutes(3)))
struct RejectsIntegrationTests {
    /// One kind of bad message, how many to send, and the reason it must be counted under.
    struct BadMessage: Sendable {
        var reason: String
        var topic: String
        var payload: String
        var times: Int
    }

    static let bad: [BadMessage] = [
        BadMessage(reason: "bad_json", topic: "factory/seoul/line1/press-01/temperature", payload: "{\"value\": 71.2", times: 3),
        BadMessage(reason: "not_numeric", topic: "factory/seoul/line1/press-01/temperature", payload: "{\"value\": \"hot\"}", times: 2),
        BadMessage(reason: "non_finite", topic: "factory/seoul/line1/press-01/temperature", payload: "NaN", times: 4),
        BadMessage(reason: "topic_shape", topic: "factory/seoul/press-01", payload: "71.2", times: 1),
        BadMessage(reason: "too_large", topic: "factory/seoul/line1/press-01/temperature", payload: "[" + String(repeating: "1,", count: 40_000) + "1]", times: 2),
        BadMessage(reason: "bad_timestamp", topic: "factory/seoul/line1/press-01/temperature", payload: "{\"value\": 1, \"ts\": \"yesterday\"}", times: 5),
    ]

    @Test("every reject reason is counted exactly, kept in the rejects table, and good readings still flow")
    func everyReasonCounted() async throws {
        let broker = try await MosquittoBroker()
        let edge = try EdgeProcess(brokerPort: broker.port)
        try await edge.start()
        var good = 0
        for message in Self.bad {
            for _ in 0..<message.times {
                try await Publisher.publish(port: broker.port, topic: message.topic, payload: message.payload, qos: 1)
                try await Publisher.publish(port: broker.port, topic: "factory/seoul/line1/press-01/pressure", payload: "\(good)", qos: 1)
                good += 1
            }
        }
        let expectedMessages = Double(Self.bad.reduce(0) { $0 + $1.times } + good)
        #expect(await eventually(timeout: .seconds(15)) { edge.metric("haetae_messages_received_total") == expectedMessages })
        let metrics = edge.metrics()
        for message in Self.bad {
            #expect(
                HTTPGet.metric("haetae_messages_rejected_total", labels: "reason=\"\(message.reason)\"", in: metrics) == Double(message.times),
                "\(message.reason)")
        }
        #expect(await eventually { (try? edge.spoolStats()?.readings) == Int64(good) })
        let values = try edge.spooledReadings().map(\.value)
        #expect(values == (0..<good).map(Double.init))

        let rejects = try await edge.command(["spool", "rejects", "--limit", "100"])
        for message in Self.bad {
            let lines = rejects.split(separator: "\n").filter { $0.contains("  \(message.reason)  \(message.topic)  ") }
            #expect(lines.count == message.times, "\(message.reason) in:\n\(rejects)")
        }
        // A sample of each reason is logged with its topic and the first bytes only.
        #expect(await edge.stop() == 0)
        let log = edge.output()
        #expect(log.contains("reason=bad_json"))
        #expect(log.contains("payload_prefix={\"value\": 71.2"))
        #expect(!log.contains(String(repeating: "1,", count: 100)), "a whole oversized payload must never be logged")
    }
}
