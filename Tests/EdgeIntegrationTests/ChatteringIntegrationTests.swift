import Foundation
import TestSupport
import Testing

/// A chattering alarm end to end: a pressure switch that toggles every few hundred
/// milliseconds reaches its receivers as three starts (the third flagged chattering) and then
/// one alarm that stays firing until the pressure has stayed normal for the window.
@Suite("Chattering alarms at the edge (integration)", .serialized, .timeLimit(.minutes(2)))
struct ChatteringIntegrationTests {
    @Test("an alarm toggling 20 times is sent as 3 starts, flagged chattering on the third, then held firing and resolved once clear for the window")
    func chatteringIsDamped() async throws {
        let broker = try await MosquittoBroker()
        let receiver = try await WebhookReceiverProcess(secret: AlertTest.secret)
        let rules = """
            rules:
              - name: overpressure
                match: {sensor: pressure}
                when: value > 100
                clear: value < 90
                severity: warning
                actions:
                  - webhook: default
            """
        let edge = try EdgeProcess(
            brokerPort: broker.port, rules: rules, rulesSettings: ["chatter_starts: 3", "chatter_window: 10s"],
            webhooks: [.init(url: receiver.url, secret: AlertTest.secret)])
        try await edge.start()
        func sent() -> [String] {
            receiver.requests().map { ($0.data["notification"] as? String ?? "?") + (($0.data["annotations"] as? [String: Any])?["chattering"] != nil ? "*" : "") }
        }
        // 20 readings at once from one publisher (a switch bouncing), so the toggles fall within
        // the window however loaded the machine is.
        let directory = try TemporaryDirectory(prefix: "haetae-chatter")
        defer { directory.remove() }
        let lines = (0..<20).map { #"{"value":\#($0 % 2 == 0 ? 150 : 50)}"# }.joined(separator: "\n") + "\n"
        try lines.write(toFile: directory.file("lines.txt"), atomically: true, encoding: .utf8)
        try await ChildProcess.run("/bin/sh", [
            "-c", "mosquitto_pub -h 127.0.0.1 -p \(broker.port) -q 1 -t factory/seoul/line1/pump-1/pressure -l < '\(directory.file("lines.txt"))'",
        ])
        #expect(await eventually { edge.metric("haetae_rule_evaluations_total") == 20 })
        #expect(await eventually { sent().count == 5 }, "\(sent())")
        try await Task.sleep(for: .milliseconds(500))
        // Webhooks go out concurrently: the receiver's order may differ from the edge's record.
        #expect(sent().sorted() == ["firing", "firing", "firing*", "resolved", "resolved"], "\(sent())")
        let recorded = edge.alerts(status: "all").reversed().map {
            ($0["notification"] as? String ?? "?") + (($0["annotations"] as? [String: Any])?["chattering"] != nil ? "*" : "")
        }
        #expect(recorded == ["firing", "resolved", "firing", "resolved", "firing*"])
        #expect(edge.metric("haetae_alarms_chattering_total") == 1)
        #expect((edge.metric("haetae_alarm_toggles_damped_total") ?? 0) >= 1)
        #expect(edge.alerts().count == 1, "still firing")
        // Clear since the last reading (50): resolved 10 s later (a window long enough that a busy
        // machine checks the state in between), naming the toggles held back.
        #expect(await eventually(timeout: .seconds(20)) { sent().count == 6 }, "\(sent())")
        #expect(sent().last == "resolved*")
        let resolved = try #require(receiver.requests().last)
        let note = (resolved.data["annotations"] as? [String: Any])?["chattering"] as? String ?? ""
        #expect(note.hasPrefix("ended after 10000 ms clear;") && note.hasSuffix("toggles held back"), "\(note)")
        #expect(edge.alerts().isEmpty)
        #expect(receiver.requests().allSatisfy { $0.verified })
        #expect(await edge.stop() == 0)
    }
}
