import Foundation
import TestSupport
import Testing

/// Each shipped alert rule fires in a real Prometheus scraping a real edge and a real core: a
/// pair member without its standby, a webhook receiver that is down, a rule file that does not
/// load, a core that refuses a post and then freezes while the edge's spool fills and drops,
/// the site broker stopped, and finally the edge and the core gone. The rules' `for:` are set to
/// 0 s (their conditions are what is under test; `promtool test rules` checks the waits).
@Suite("Prometheus alert rules fire on a real edge and core (integration)", .serialized, .timeLimit(.minutes(12)))
struct PrometheusAlertFiringTests {
    @Test("every alert rule fires in a real Prometheus scraping a real edge whose spool fills and a real core")
    func everyRuleFires() async throws {
        let broker = try await MosquittoBroker()
        let core = try RealCore()
        try await core.start()
        let deadReceiver = FreePort.allocate()
        let edge = try EdgeProcess(
            brokerPort: broker.port, spool: "max_bytes: 1MiB\non_full: drop-oldest\nbatch_max_age: 100ms",
            rules: PrometheusFiles.edgeRules,
            webhooks: [.init(url: "http://127.0.0.1:\(deadReceiver)/hook", secret: AlertTest.secret)],
            extra: """
                forward: {urls: ["\(core.url)"], token_file: edge.token, timeout: 1s, backoff: {initial: 50ms, max: 500ms}, status_interval: 200ms}
                ownership: {client_id: haetae-prom-test, heartbeat_interval: 200ms, heartbeat_timeout: 1500ms}
                """)
        try (core.token + "\n").write(toFile: edge.directory.file("edge.token"), atomically: true, encoding: .utf8)
        try await edge.start()
        let prometheus = try await PrometheusServer(
            jobs: [
                .init(name: "haetae-edge", targets: ["127.0.0.1:\(edge.httpPort)"]),
                .init(name: "haetae-core", targets: ["127.0.0.1:\(core.port)"]),
            ],
            ruleFiles: [try PrometheusFiles.rulesWithoutWaiting()])
        var seen: Set<String> = []
        /// Waits (bounded) until Prometheus fires `alert`, remembering everything it saw firing.
        func waitFor(_ alert: String, timeout: Duration = .seconds(60)) async -> Bool {
            await eventually(timeout: timeout, poll: .milliseconds(500)) {
                seen.formUnion(prometheus.firing())
                return seen.contains(alert)
            }
        }
        #expect(await eventually(timeout: .seconds(30)) { prometheus.targetHealth() == ["haetae-edge": ["up"], "haetae-core": ["up"]] })

        // A pair member alone: no standby.
        #expect(await waitFor("HaetaeStandbyMissing"), "\(prometheus.alerts())")
        // An overheating press: its webhook cannot be delivered.
        try await AlertTest.publish(broker, device: "press-1", value: 95)
        #expect(await waitFor("HaetaeWebhookOutboxStuck"), "\(prometheus.alerts())")
        // A rule file that does not load (the old rules stay).
        try edge.writeRules("rules:\n  - name: broken\n    when: value >\n")
        #expect(await waitFor("HaetaeRuleFileNotLoaded"), "\(prometheus.alerts())")
        // A post the core refuses.
        let refused = HTTPRequest.send(
            port: core.port, path: "/api/v1/batches",
            headers: [("Authorization", "Bearer \(core.token)"), ("Content-Type", "application/json")], body: Array("{not a batch".utf8))
        #expect(refused?.status == 400)
        #expect(await waitFor("HaetaeCoreIngestErrors"), "\(prometheus.alerts())")

        // The core freezes: it stops answering, the edge's backlog grows and its 1 MiB spool
        // fills until the oldest readings are dropped for room.
        core.freeze(true)
        defer { core.freeze(false) }
        #expect(await waitFor("HaetaeCoreDown"), "\(prometheus.alerts())")
        // Twenty publishers (one mosquitto_pub each); a round that a loaded machine does not
        // finish in time still published what it did: the alerts below are what is checked.
        let topics = (0..<20).map { "factory/seoul/line\($0 % 4)/press-\($0)/temperature" }
        for round in 0..<6 where !seen.contains("HaetaeReadingsLost") {
            try? await Publisher.publishBulk(port: broker.port, count: 40_000, qos: 0, topics: topics, firstSeq: round * 40_000, timeout: .seconds(120))
            _ = await waitFor("HaetaeReadingsLost", timeout: .seconds(5))
        }
        for alert in ["HaetaeForwardBacklogGrowing", "HaetaeSpoolFilling", "HaetaeReadingsLost"] {
            #expect(await waitFor(alert), "\(alert): \(prometheus.alerts()); spool \(edge.metric("haetae_spool_bytes") ?? -1) B, dropped \(edge.metric("haetae_spool_dropped_total", labels: "reason=\"max_bytes\"") ?? -1)")
        }
        core.freeze(false)

        // The site broker stops.
        await broker.stop()
        #expect(await waitFor("HaetaeBrokerDisconnected"), "\(prometheus.alerts())")
        // The edge dies: Prometheus cannot scrape it and the core judges it gone.
        await edge.kill()
        #expect(await waitFor("HaetaeEdgeDown"), "\(prometheus.alerts())")
        #expect(await waitFor("HaetaeSiteLostItsEdges"), "\(prometheus.alerts())")
        #expect(await waitFor("HaetaeEdgeSilentAtCore"), "\(prometheus.alerts())")

        let shipped = try String(contentsOfFile: PrometheusFiles.rules, encoding: .utf8)
            .matches(of: /- alert: (\w+)/).map { String($0.1) }
        #expect(shipped.count == 12)
        #expect(Set(shipped).subtracting(seen).isEmpty, "never fired: \(Set(shipped).subtracting(seen).sorted())")
        #expect(await core.stop() == 0)
    }
}
