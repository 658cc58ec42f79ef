import Foundation
import TestSupport
import Testing

/// The whole alert path with real processes: haetae-sim publishes the built-in `seoul` scenario
/// (hazards, faults, disconnects) to mosquitto; haetae-edge evaluates the shipped factory rules,
/// publishes stop commands and sends signed webhooks to the simulator, which verifies every
/// signature and matches the alerts to the hazards it injected.
@Suite("Seoul hazards end to end (integration)", .serialized, .timeLimit(.minutes(4)))
struct SeoulAlertsEndToEndTests {
    @Test("every injected hazard raises its alert, nothing else alerts, every signature verifies and the stop command arrives")
    func everyHazardAlertsAndNothingElse() async throws {
        let broker = try await MosquittoBroker()
        let hookPort = FreePort.allocate()
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let edge = try AlertTest.factoryEdge(broker: broker, hookPort: hookPort)
        try await edge.start(environment: ["SIM_WEBHOOK_SECRET": secret])

        let sim = try BuiltProducts.executable("haetae-sim")
        let report = edge.directory.file("report.json")
        try await ChildProcess.run(sim, [
            "run", "--scenario", "seoul", "--broker", "mqtt://127.0.0.1:\(broker.port)", "--quiet", "--report", report,
            "--webhook-listen", "127.0.0.1:\(hookPort)", "--webhook-secret", secret, "--alert-wait", "20s",
        ], timeout: .seconds(150))

        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
        let alerts = try #require(json["alerts"] as? [String: Any], "the report has an alerts section")
        let hazards = try #require(json["hazards"] as? [[String: Any]])
        #expect(alerts["hazards"] as? Int == hazards.count, "every hazard of the 60 s run is checked")
        #expect(alerts["recall"] as? Double == 1, "missed: \(alerts["missed"] ?? "")")
        #expect((alerts["false_alerts"] as? [Any])?.isEmpty == true, "false alerts: \(alerts["false_alerts"] ?? "")")
        #expect(alerts["bad_signatures"] as? Int == 0)
        // press-03 overheats: the rule's mqtt action sends it a stop command.
        #expect(alerts["stop_commands"] as? Int == 1)
        #expect((alerts["publish_to_stop_command_ms"] as? [String: Any])?["count"] as? Int == 1)
        #expect((alerts["resolved_alerts"] as? Int ?? 0) >= 1)

        // The edge counted the same alerts it delivered.
        let metrics = edge.metrics()
        let fired = try #require(alerts["firing_alerts"] as? Int)
        #expect(HTTPGet.metric("haetae_alert_notifications_total", labels: "kind=\"firing\"", in: metrics) == Double(fired))
        #expect(HTTPGet.metric("haetae_mqtt_actions_sent_total", in: metrics) == 1)
        #expect(HTTPGet.metric("haetae_webhook_deliveries_total", labels: "receiver=\"default\",outcome=\"delivered\"", in: metrics) ?? 0 >= Double(fired))
        #expect(await edge.stop() == 0)
    }
}
