import Foundation
import TestSupport
import Testing

/// Stop commands close the loop in the audit log too: every command an edge sends and what
/// became of it (confirmed, sent again, escalated) reaches the real core's alarm log once, also
/// when the core was away while they happened.
@Suite("Stop commands in the core's audit log (integration)", .serialized, .timeLimit(.minutes(3)))
struct StopCommandAuditIntegrationTests {
    static let rules = StopCommandLoopIntegrationTests.rules
        .replacingOccurrences(of: "within: 1s, retries: 2", with: "within: 500ms, retries: 1")
        .replacingOccurrences(of: "      - webhook: default\n", with: "")

    /// The core's stop-command entries for one device, oldest first, as `result` texts (the
    /// comment up to its payload).
    static func audited(_ core: RealCore, _ device: String) -> [String] {
        guard let body = HTTPGet.fetch(port: core.port, path: "/api/v1/alarms/audit?kind=commands&limit=1000")?.body,
            let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            let entries = object["entries"] as? [[String: Any]]
        else { return [] }
        return entries.filter { $0["action"] as? String == "stop_command" && $0["device"] as? String == device }
            .compactMap { ($0["comment"] as? String)?.components(separatedBy: ": {").first }.reversed()
    }

    @Test("each command and its outcome is filed once at the core, by the edge, on the alert's place; records made while the core was down arrive when it is back, none twice")
    func commandsReachTheAuditLog() async throws {
        let broker = try await MosquittoBroker()
        let core = try RealCore()
        try await core.start()
        let edge = try EdgeProcess(
            brokerPort: broker.port, rules: Self.rules,
            extra: "forward: {urls: [\"\(core.url)\"], token_file: edge.token, timeout: 2s, backoff: {initial: 50ms, max: 500ms}}")
        try (core.token + "\n").write(toFile: edge.directory.file("edge.token"), atomically: true, encoding: .utf8)
        try await edge.start()
        let answering = try await StopCommandLoopIntegrationTests.device(broker, "pump-1", answerAfter: 0)
        defer { answering?.kill() }

        try await AlertTest.publish(broker, device: "pump-1", sensor: "pressure", value: 150)
        try await AlertTest.publish(broker, device: "pump-3", sensor: "pressure", value: 150)
        #expect(await eventually(timeout: .seconds(15)) {
            Self.audited(core, "pump-1").count == 2 && Self.audited(core, "pump-3").count == 3
        }, "\(Self.audited(core, "pump-1")) \(Self.audited(core, "pump-3"))")
        #expect(Self.audited(core, "pump-1").first == "sent")
        #expect(Self.audited(core, "pump-1").last?.hasPrefix("confirmed") == true)
        #expect(Self.audited(core, "pump-3") == ["sent", "sent again: not confirmed within 500 ms", "not confirmed after 2 sends: escalated"])
        let body = try #require(HTTPGet.fetch(port: core.port, path: "/api/v1/alarms/audit?site=seoul&limit=1000")?.body)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        let entries = try #require(object["entries"] as? [[String: Any]]).filter { $0["action"] as? String == "stop_command" }
        let escalated = try #require(entries.first { ($0["comment"] as? String)?.hasPrefix("not confirmed after 2 sends: escalated") == true })
        #expect(escalated["by"] as? String == core.edgeID && escalated["rule"] as? String == "overpressure")
        #expect(escalated["site"] as? String == "seoul" && escalated["line"] as? String == "line1" && escalated["device"] as? String == "pump-3")
        #expect((escalated["alert_id"] as? String)?.count == 16)
        #expect((escalated["comment"] as? String)?.contains(#"{"cmd":"stop"} → factory/seoul/line1/pump-3/cmd, attempt 2"#) == true, "\(escalated)")
        #expect(core.metric("haetae_core_stop_commands_stored_total") == 5)

        // The core goes away; pump-2 overheats (never answers) meanwhile: its records wait at
        // the edge and reach the core, once each, when it is back.
        #expect(await core.stop() == 0)
        try await AlertTest.publish(broker, device: "pump-2", sensor: "pressure", value: 150)
        #expect(await eventually(timeout: .seconds(10)) {
            (edge.api("/api/v1/commands?limit=1000")?["commands"] as? [[String: Any]] ?? []).filter { ($0["device"] as? String) == "pump-2" }.count == 3
        })
        try await core.start()
        #expect(await eventually(timeout: .seconds(15)) { Self.audited(core, "pump-2").count == 3 }, "\(Self.audited(core, "pump-2"))")
        let edgeCommands = edge.api("/api/v1/commands?limit=1000")?["commands"] as? [[String: Any]] ?? []
        #expect(edgeCommands.count == 8)
        #expect(await eventually { edge.metric("haetae_forward_commands_sent_total") == 8 })
        let all = ["pump-1", "pump-2", "pump-3"].map { Self.audited(core, $0).count }
        #expect(all == [2, 3, 3], "every record once, none twice")
        #expect(await edge.stop() == 0)
        #expect(await core.stop() == 0)
    }
}
