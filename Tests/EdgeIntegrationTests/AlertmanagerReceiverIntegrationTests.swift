import Foundation
import TestSupport
import Testing

/// The `alertmanager` receiver against a real Prometheus Alertmanager 0.25: it takes the edge's
/// alerts with stable labels, groups them by its own route, resolves them when the edge does,
/// and its silences apply to them.
@Suite("Alertmanager receiver (integration)", .serialized, .timeLimit(.minutes(3)))
struct AlertmanagerReceiverIntegrationTests {
    static let rules = """
        rules:
          - name: line-pressure
            match: {sensor: pressure}
            when: value > 100
            clear: value < 90
            severity: critical
            labels: {team: pumps, "shift-lead": kim}
            annotations: {summary: "{device} at {value} bar"}
            actions:
              - webhook: am
        """

    /// Alertmanager's active alerts by device, with their labels and state.
    static func active(_ am: AlertmanagerProcess) -> [String: (labels: [String: String], state: String)] {
        var out: [String: (labels: [String: String], state: String)] = [:]
        for alert in am.alerts() {
            let labels = alert["labels"] as? [String: String] ?? [:]
            let state = (alert["status"] as? [String: Any])?["state"] as? String ?? ""
            if let device = labels["device"] { out[device] = (labels, state) }
        }
        return out
    }

    @Test("Alertmanager receives the edge's alerts with stable labels, groups two devices into one notification, resolves one when the edge does, and silences the other")
    func alertmanagerGroupsAndResolves() async throws {
        let broker = try await MosquittoBroker()
        let hooks = try await WebhookReceiverProcess(secret: AlertTest.secret)
        let am = try await AlertmanagerProcess(webhookURL: hooks.url)
        let edge = try EdgeProcess(brokerPort: broker.port, rules: Self.rules, extra: """
            webhooks:
              am: {type: alertmanager, url: "\(am.url)", timeout: 2s}
            """)
        try await edge.start()

        try await AlertTest.publish(broker, device: "pump-1", sensor: "pressure", value: 150)
        try await AlertTest.publish(broker, device: "pump-2", sensor: "pressure", value: 160)
        #expect(await eventually(timeout: .seconds(15)) { Self.active(am).count == 2 }, "\(am.alerts()) \(edge.output())")
        let pump1 = try #require(Self.active(am)["pump-1"])
        #expect(pump1.labels == [
            "alertname": "line-pressure", "severity": "critical", "site": "seoul", "line": "line1", "device": "pump-1",
            "sensor": "pressure", "team": "pumps", "shift_lead": "kim",
        ])
        #expect(pump1.state == "active")
        let annotations = am.alerts().first { ($0["labels"] as? [String: String])?["device"] == "pump-1" }?["annotations"] as? [String: String]
        #expect(annotations?["summary"] == "pump-1 at 150 bar" && annotations?["alert_id"]?.count == 16 && annotations?["edge"] == "test-edge")

        // Its own route groups both devices (alertname, site) into one notification.
        #expect(await eventually(timeout: .seconds(15)) {
            hooks.requests().contains { ($0.json?["alerts"] as? [Any])?.count == 2 && $0.json?["status"] as? String == "firing" }
        }, "\(hooks.requests().map(\.body))")
        let group = try #require(hooks.requests().first { ($0.json?["alerts"] as? [Any])?.count == 2 })
        #expect((group.json?["groupLabels"] as? [String: String]) == ["alertname": "line-pressure", "site": "seoul"])

        // The edge resolves pump-1: Alertmanager resolves it and says so.
        try await AlertTest.publish(broker, device: "pump-1", sensor: "pressure", value: 50)
        #expect(await eventually(timeout: .seconds(15)) { Self.active(am)["pump-1"] == nil }, "\(am.alerts())")
        #expect(await eventually(timeout: .seconds(15)) {
            hooks.requests().contains { request in
                (request.json?["alerts"] as? [[String: Any]])?.contains {
                    ($0["labels"] as? [String: String])?["device"] == "pump-1" && $0["status"] as? String == "resolved"
                } == true
            }
        })

        // A silence in Alertmanager applies to the edge's alert as to any other.
        _ = try am.silence("device", "pump-2")
        #expect(await eventually(timeout: .seconds(10)) { Self.active(am)["pump-2"]?.state == "suppressed" }, "\(am.alerts())")
        #expect(await eventually { edge.metric("haetae_webhook_deliveries_total", labels: #"receiver="am",outcome="delivered""#) == 3 },
                "firing ×2 and one resolve, each accepted: \(edge.metrics().split(separator: "\n").filter { $0.contains("webhook_deliveries") })")
        #expect(edge.metric("haetae_webhook_deliveries_total", labels: #"receiver="am",outcome="dead""#) == 0)
        #expect(await edge.stop() == 0)
    }
}
