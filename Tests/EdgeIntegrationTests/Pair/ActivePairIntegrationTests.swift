import Foundation
import TestSupport
import Testing

/// Two real haetae-edge processes of one site sharing one persistent session on a real
/// mosquitto (`ownership:`): one active, one standing by; the active killed, stopped, frozen.
/// Every reading is published at QoS 1 with a `seq`; both spools together must hold each once.
@Suite("Active/standby pair (integration)", .serialized, .timeLimit(.minutes(3)))
struct ActivePairIntegrationTests {
    static let topic = "factory/seoul/line1/press-01/temperature"

    static func edge(_ id: String, broker: MosquittoBroker) throws -> EdgeProcess {
        try EdgeProcess(
            brokerPort: broker.port, edgeID: id, clientID: "haetae-seoul",
            extra: """
                ownership:
                  client_id: haetae-\(id)
                  heartbeat_interval: 200ms
                  heartbeat_timeout: 1500ms
                """)
    }

    static func isActive(_ edge: EdgeProcess) -> Bool { edge.metric("haetae_edge_active") == 1 }

    static func seqs(_ edges: [EdgeProcess]) throws -> [Int64] {
        try edges.flatMap { try $0.spooledReadings().map(\.deviceSeq) }
    }

    /// Waits until one of `edges` is active, returns it and how long that took.
    static func waitForActive(_ edges: [EdgeProcess], timeout: Duration = .seconds(10)) async -> (EdgeProcess, Duration)? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            if let active = edges.first(where: isActive) { return (active, ContinuousClock.now - start) }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    @Test("one of two edges takes the session, the other stands by ready; kill -9 of the active hands the session over within a second, a clean stop at once, and each reading is spooled once")
    func killAndStop() async throws {
        let broker = try await MosquittoBroker()
        let a = try Self.edge("seoul-a", broker: broker)
        let b = try Self.edge("seoul-b", broker: broker)
        try await a.start()
        #expect(await eventually { Self.isActive(a) }, "\(a.output().suffix(2_000))")
        try await b.start()
        try await Task.sleep(for: .milliseconds(500))
        #expect(!Self.isActive(b))
        let ready = HTTPGet.fetch(port: b.httpPort, path: "/readyz")
        #expect(ready?.status == 200 && ready?.body.contains("role: standby (active: seoul-a)") == true, "\(String(describing: ready?.body))")

        try await Publisher.publishBulk(port: broker.port, count: 2_000, qos: 1, topics: [Self.topic])
        #expect(await eventually { (try? a.spooledReadings().count) == 2_000 })
        #expect(try b.spooledReadings().isEmpty, "the standby takes nothing")

        // kill -9: the broker publishes the session's will at once.
        await a.kill()
        let takeover = await Self.waitForActive([b])
        #expect(takeover != nil, "\(b.output().suffix(3_000))")
        if let (_, elapsed) = takeover {
            print("takeover after kill -9: \(elapsed)")
            #expect(elapsed < .seconds(1))
        }
        try await Publisher.publishBulk(port: broker.port, count: 2_000, qos: 1, topics: [Self.topic], firstSeq: 2_000)
        #expect(await eventually { (try? b.spooledReadings().count) == 2_000 })

        // The killed edge comes back as the standby; the active stops cleanly (SIGTERM): it
        // releases the session after its last PUBACK, and the other takes it over at once.
        try await a.start()
        try await Task.sleep(for: .milliseconds(500))
        #expect(!Self.isActive(a))
        let stopped = ContinuousClock.now
        #expect(await b.stop() == 0)
        let handover = await Self.waitForActive([a])
        #expect(handover != nil)
        if handover != nil { print("takeover after a clean stop: \(ContinuousClock.now - stopped) (incl. the stop)") }
        try await Publisher.publishBulk(port: broker.port, count: 1_000, qos: 1, topics: [Self.topic], firstSeq: 4_000)
        #expect(await eventually { (try? Self.seqs([a, b]).count) ?? 0 >= 5_000 })
        try await Task.sleep(for: .milliseconds(300))
        let accounting = SeqAccounting(expected: 5_000, seqs: try Self.seqs([a, b]))
        #expect(accounting.missing == 0 && accounting.duplicates == 0, "\(accounting)")
        await a.stop()
    }

    @Test("an active frozen (SIGSTOP) past the heartbeat timeout loses the session to the standby; resumed, it handles nothing it read afterwards and acts on nothing: every reading spooled once")
    func frozenActive() async throws {
        let broker = try await MosquittoBroker()
        let a = try Self.edge("seoul-a", broker: broker)
        let b = try Self.edge("seoul-b", broker: broker)
        try await a.start()
        #expect(await eventually { Self.isActive(a) })
        try await b.start()
        try await Publisher.publishBulk(port: broker.port, count: 1_000, qos: 1, topics: [Self.topic])
        #expect(await eventually { (try? a.spooledReadings().count) == 1_000 })

        a.child?.signal(SIGSTOP)
        let frozenAt = ContinuousClock.now
        // Published while the active is frozen: some reach its socket before the standby takes over.
        try await Publisher.publishBulk(port: broker.port, count: 2_000, qos: 1, topics: [Self.topic], firstSeq: 1_000)
        let takeover = await Self.waitForActive([b])
        #expect(takeover != nil, "\(b.output().suffix(3_000))")
        print("takeover of a frozen active: \(ContinuousClock.now - frozenAt) after SIGSTOP (heartbeat timeout 1.5 s)")
        try await Task.sleep(for: .seconds(1))
        a.child?.signal(SIGCONT)
        #expect(await eventually(timeout: .seconds(10)) { !Self.isActive(a) && a.metric("haetae_mqtt_connected") == 0 })
        try await Publisher.publishBulk(port: broker.port, count: 1_000, qos: 1, topics: [Self.topic], firstSeq: 3_000)
        #expect(await eventually(timeout: .seconds(15)) { (try? Set(Self.seqs([a, b])).count) ?? 0 >= 4_000 })
        try await Task.sleep(for: .milliseconds(500))
        let accounting = SeqAccounting(expected: 4_000, seqs: try Self.seqs([a, b]))
        print("frozen active: \(accounting); left for redelivery by the resumed one: \(a.metric("haetae_mqtt_left_for_redelivery_total") ?? -1)")
        #expect(accounting.missing == 0, "\(accounting)")
        #expect(accounting.duplicates <= 1, "\(accounting): at most the message the frozen one was handling")
        #expect(Self.isActive(b) && !Self.isActive(a))
        await a.stop()
        await b.stop()
    }

    static let pressureRules = """
        rules:
          - name: line-pressure
            match: {sensor: pressure}
            when: value > 100
            severity: critical
            actions:
              - webhook: default
              - mqtt: {topic: "factory/{site}/{line}/{device}/cmd", payload: '{"cmd":"stop","rule":"{rule}"}', qos: 1}
        """

    static func alertingEdge(_ id: String, broker: MosquittoBroker, receiver: WebhookReceiverProcess) throws -> EdgeProcess {
        try EdgeProcess(
            brokerPort: broker.port, edgeID: id, clientID: "haetae-seoul", rules: Self.pressureRules,
            webhooks: [.init(url: receiver.url, secret: AlertTest.secret)],
            extra: """
                ownership:
                  client_id: haetae-\(id)
                  heartbeat_interval: 200ms
                  heartbeat_timeout: 1500ms
                """)
    }

    /// Each webhook as `type alert_id edge`.
    static func hooks(_ receiver: WebhookReceiverProcess) -> [String] {
        receiver.requests().map { "\($0.type ?? "?") \($0.data["alert_id"] as? String ?? "?") \($0.data["edge"] as? String ?? "?")" }
    }

    @Test("an alert in progress is handed over with the session (kill -9 and a clean stop): the new active neither fires it again nor sends a second stop command, and resolves it once with its id")
    func alertsHandedOver() async throws {
        let broker = try await MosquittoBroker()
        let receiver = try await WebhookReceiverProcess(secret: AlertTest.secret)
        let commands = try await AlertTest.subscriber(broker, filter: "factory/seoul/+/+/cmd")
        defer { commands.kill() }
        let a = try Self.alertingEdge("seoul-a", broker: broker, receiver: receiver)
        let b = try Self.alertingEdge("seoul-b", broker: broker, receiver: receiver)
        try await a.start()
        #expect(await eventually { Self.isActive(a) })
        try await b.start()
        try await Task.sleep(for: .milliseconds(300))

        // A hazard on the active: one firing webhook, one stop command, its record left on the broker.
        try await AlertTest.publish(broker, device: "pump-3", sensor: "pressure", value: 150)
        #expect(await eventually { receiver.requests().count == 1 }, "\(a.output().suffix(2_000))")
        let alertID = try #require(receiver.requests().first?.data["alert_id"] as? String)
        let retained = try await Publisher.retained(port: broker.port, topic: "haetae/seoul/alerts/\(alertID)")
        #expect(retained.contains("\"alert_id\":\"\(alertID)\"") && retained.contains("\"edge\":\"seoul-a\""), "\(retained)")

        // kill -9 in the middle of the hazard: the standby takes over with the alert.
        await a.kill()
        #expect(await Self.waitForActive([b]) != nil, "\(b.output().suffix(3_000))")
        try await AlertTest.publish(broker, device: "pump-3", sensor: "pressure", value: 160)
        #expect(await eventually { (try? b.spooledReadings().count) == 1 })
        try await Task.sleep(for: .milliseconds(500))
        #expect(Self.hooks(receiver) == ["alert.firing \(alertID) seoul-a"], "no second firing across the takeover")
        #expect(b.metric("haetae_alerts_adopted_total") == 1)
        #expect(b.alerts().map { $0["alert_id"] as? String } == [alertID], "the new active lists the alert it took over")
        #expect(b.metric("haetae_alerts_firing", labels: #"severity="critical""#) == 1)

        // The hazard ends: one resolved, same id, from the new active; the record is cleared.
        try await AlertTest.publish(broker, device: "pump-3", sensor: "pressure", value: 40)
        #expect(await eventually { receiver.requests().count == 2 }, "\(b.output().suffix(2_000))")
        #expect(Self.hooks(receiver) == ["alert.firing \(alertID) seoul-a", "alert.resolved \(alertID) seoul-b"])
        #expect(await eventually { (try? await Publisher.retained(port: broker.port, topic: "haetae/seoul/alerts/\(alertID)")) == "" })

        // A rolling step: the killed edge returns as the standby; a new hazard on seoul-b, then
        // seoul-b stops cleanly and seoul-a takes the session with that alert.
        try await a.start()
        try await Task.sleep(for: .milliseconds(500))
        #expect(!Self.isActive(a))
        try await AlertTest.publish(broker, device: "pump-4", sensor: "pressure", value: 170)
        #expect(await eventually { receiver.requests().count == 3 }, "\(b.output().suffix(2_000))")
        let second = try #require(receiver.requests().last?.data["alert_id"] as? String)
        try await Task.sleep(for: .milliseconds(300))
        #expect(await b.stop() == 0)
        #expect(await Self.waitForActive([a]) != nil, "\(a.output().suffix(3_000))")
        try await AlertTest.publish(broker, device: "pump-4", sensor: "pressure", value: 175)
        try await Task.sleep(for: .milliseconds(500))
        #expect(receiver.requests().count == 3, "\(Self.hooks(receiver))")
        #expect(a.alerts().map { $0["alert_id"] as? String } == [second], "its own stale alert from before the kill is not listed")
        try await AlertTest.publish(broker, device: "pump-4", sensor: "pressure", value: 30)
        #expect(await eventually { receiver.requests().count == 4 }, "\(a.output().suffix(2_000))")
        try await Task.sleep(for: .milliseconds(500))
        #expect(Self.hooks(receiver) == [
            "alert.firing \(alertID) seoul-a", "alert.resolved \(alertID) seoul-b",
            "alert.firing \(second) seoul-b", "alert.resolved \(second) seoul-a",
        ])
        #expect(receiver.requests().allSatisfy { $0.verified })
        // One stop command per firing, none from a takeover.
        let sent = commands.output().split(separator: "\n").filter { $0.contains("\"cmd\":\"stop\"") }
        #expect(sent.count == 2, "\(sent)")
        #expect(a.alerts().isEmpty)
        await a.stop()
    }

    @Test("a device that fell silent before a takeover is flagged by the new active's absent rule, which never had its readings (the watch handed over)")
    func silentDeviceWatchedAcrossTakeover() async throws {
        let broker = try await MosquittoBroker()
        let receiver = try await WebhookReceiverProcess(secret: AlertTest.secret)
        let rules = """
            rules:
              - name: silent
                match: {device: "pump-*"}
                when: "absent(8s)"
                actions: [{webhook: default}]
            """
        func edge(_ id: String) throws -> EdgeProcess {
            try EdgeProcess(
                brokerPort: broker.port, edgeID: id, clientID: "haetae-seoul", rules: rules,
                webhooks: [.init(url: receiver.url, secret: AlertTest.secret)],
                extra: "ownership: {client_id: haetae-\(id), heartbeat_interval: 200ms, heartbeat_timeout: 1500ms}")
        }
        let a = try edge("seoul-a"), b = try edge("seoul-b")
        try await a.start()
        #expect(await eventually { Self.isActive(a) })
        try await b.start()

        // pump-9 reports once and falls silent; the active leaves it in its watch.
        try await AlertTest.publish(broker, device: "pump-9", sensor: "pressure", value: 3)
        // In the full record or in the changes made on it since.
        #expect(await eventually(timeout: .seconds(8)) {
            for topic in ["haetae/seoul/watch", "haetae/seoul/watch/changes"]
            where (try? await Publisher.retained(port: broker.port, topic: topic))?.contains(#""d":"pump-9""#) == true {
                return true
            }
            return false
        })
        #expect(receiver.requests().isEmpty, "silent for less than 8 s yet")
        await a.kill()
        #expect(await Self.waitForActive([b]) != nil)
        #expect(try b.spooledReadings().isEmpty, "the new active never had a reading of pump-9")

        // The new active flags it, at most 8 s after the takeover (never before 8 s of silence).
        #expect(await eventually(timeout: .seconds(15)) { receiver.requests().count == 1 }, "\(b.output().suffix(3_000))")
        try await Task.sleep(for: .milliseconds(300))
        #expect(Self.hooks(receiver).map { $0.split(separator: " ").first.map(String.init) ?? "" } == ["alert.firing"])
        #expect(receiver.requests().first?.data["device"] as? String == "pump-9")
        #expect(receiver.requests().first?.data["edge"] as? String == "seoul-b")
        try await AlertTest.publish(broker, device: "pump-9", sensor: "pressure", value: 3)
        #expect(await eventually { receiver.requests().count == 2 }, "\(b.output().suffix(2_000))")
        #expect(receiver.requests().last?.type == "alert.resolved")
        await b.stop()
    }
}

