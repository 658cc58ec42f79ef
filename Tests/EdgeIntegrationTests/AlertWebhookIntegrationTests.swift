import Foundation
import TestSupport
import Testing

/// Hazard rules end to end: real mosquitto, real `haetae-edge`, a real `mosquitto_sub` for the
/// stop command, and the Python receiver verifying every webhook with `standardwebhooks`.
@Suite("Alerts and webhooks (integration)", .serialized, .timeLimit(.minutes(3)))
struct AlertWebhookIntegrationTests {
    static let overheatRules = """
        rules:
          - name: furnace-overheat
            match: {device: "furnace-*", sensor: temperature}
            when: value > 850
            for: 500ms
            clear: value < 820
            severity: critical
            labels: {team: hot-end}
            annotations: {summary: "{device} at {site}/{line} is {value}°C"}
            actions:
              - webhook: default
              - mqtt: {topic: "factory/{site}/{line}/{device}/cmd", payload: '{"cmd":"stop","rule":"{rule}"}', qos: 1}
        """

    @Test("a hazard held for `for` sends the stop command and a signed firing webhook; below `clear` one resolved follows")
    func hazardStopsTheMachineAndNotifies() async throws {
        let broker = try await MosquittoBroker()
        let receiver = try await WebhookReceiverProcess(secret: AlertTest.secret)
        let edge = try EdgeProcess(
            brokerPort: broker.port, rules: Self.overheatRules, webhooks: [.init(url: receiver.url, secret: AlertTest.secret)])
        try await edge.start()
        let commands = try await AlertTest.subscriber(broker, filter: "factory/+/+/+/cmd", count: 1)

        // Below the threshold: nothing. Above it: pending for 500 ms, then firing by the timer.
        try await AlertTest.publish(broker, value: 840, ts: 1_732_400_000_000, seq: 1)
        let hazardAt = AlertTest.nowMillis()
        try await AlertTest.publish(broker, value: 900, ts: 1_732_400_001_000, seq: 2)
        #expect(await commands.waitForExit(timeout: .seconds(10)) == 0, "no stop command: \(edge.output())")
        #expect(commands.standardOutput() == "factory/seoul/line1/furnace-01/cmd {\"cmd\":\"stop\",\"rule\":\"furnace-overheat\"}\n")
        #expect(await eventually { receiver.requests().count == 1 }, "\(edge.output())")

        // Between clear and when (hysteresis): still firing. Below clear: resolved.
        try await AlertTest.publish(broker, value: 830, ts: 1_732_400_002_000, seq: 3)
        try await AlertTest.publish(broker, value: 810, ts: 1_732_400_003_000, seq: 4)
        #expect(await eventually { receiver.requests().count == 2 }, "\(edge.output())")
        try await Task.sleep(for: .milliseconds(300))  // nothing more may follow

        let requests = receiver.requests()
        try #require(requests.count == 2, "\(requests.map(\.body))")
        let (firing, resolved) = (requests[0], requests[1])
        for request in requests {
            #expect(request.verified, "standardwebhooks rejected it: \(request.error ?? "")")
            #expect(request.content_type == "application/json")
            #expect(request.user_agent?.hasPrefix("haetae-edge/") == true)
        }
        #expect(firing.type == "alert.firing")
        #expect(resolved.type == "alert.resolved")

        let alertID = try #require(firing.data["alert_id"] as? String)
        #expect(alertID.count == 16)
        #expect(resolved.data["alert_id"] as? String == alertID)
        for data in [firing.data, resolved.data] {
            #expect(data["rule"] as? String == "furnace-overheat")
            #expect(data["severity"] as? String == "critical")
            #expect(data["site"] as? String == "seoul")
            #expect(data["line"] as? String == "line1")
            #expect(data["device"] as? String == "furnace-01")
            #expect(data["sensor"] as? String == "temperature")
            #expect(data["edge"] as? String == "test-edge")
            #expect(data["labels"] as? [String: String] == ["team": "hot-end"])
            #expect(data["started_at"] as? String == firing.data["started_at"] as? String)
        }
        #expect(firing.data["status"] as? String == "firing")
        #expect(firing.data["notification"] as? String == "firing")
        #expect(firing.data["value"] as? Double == 900)
        #expect(firing.data["ended_at"] is NSNull, "written as null until it resolves")
        #expect(firing.data["annotations"] as? [String: String] == ["summary": "furnace-01 at seoul/line1 is 900°C"])
        // Fired by the `for` timer, not by a reading: no reading_ts / seq.
        #expect(firing.data["reading_ts"] is NSNull && firing.data["seq"] is NSNull)
        let startedAt = try #require(AlertTest.millis(firing.data["started_at"]))
        #expect(startedAt >= hazardAt + 500, "fired \(startedAt - hazardAt) ms after the hazard was published; `for` is 500 ms")
        #expect(firing.id == "msg_\(alertID)_firing_\(startedAt)")

        #expect(resolved.data["status"] as? String == "resolved")
        #expect(resolved.data["notification"] as? String == "resolved")
        #expect(resolved.data["value"] as? Double == 810, "830 is above `clear`: the alert must have stayed firing")
        #expect(resolved.data["reading_ts"] as? Int == 1_732_400_003_000)
        #expect(resolved.data["seq"] as? Int == 4)
        let endedAt = try #require(AlertTest.millis(resolved.data["ended_at"]))
        #expect(endedAt > startedAt)
        #expect(resolved.id == "msg_\(alertID)_resolved_\(endedAt)")
        #expect(firing.json?["timestamp"] as? String == firing.data["started_at"] as? String)

        // What the edge counts.
        #expect(await eventually { edge.metric("haetae_webhook_deliveries_total", labels: #"receiver="default",outcome="delivered""#) == 2 }, "\(edge.metrics())")
        #expect(edge.metric("haetae_alert_notifications_total", labels: #"kind="firing""#) == 1)
        #expect(edge.metric("haetae_alert_notifications_total", labels: #"kind="resolved""#) == 1)
        #expect(edge.metric("haetae_alert_notifications_total", labels: #"kind="repeat""#) == 0)
        #expect(edge.metric("haetae_mqtt_actions_sent_total") == 1)
        #expect(edge.metric("haetae_alerts_firing", labels: #"severity="critical""#) == 0)
        #expect(edge.metric("haetae_rules_loaded") == 1)
        #expect(await eventually { (edge.metric("haetae_rule_evaluations_total") ?? 0) >= 4 })
        #expect(await eventually { edge.metric("haetae_webhook_outbox_depth") == 0 })
        #expect(edge.alerts().isEmpty)
        let recent = edge.alerts(status: "all")
        #expect(recent.map { $0["notification"] as? String } == ["resolved", "firing"])

        // The stop command the edge sent went out on its own connection, which subscribes to
        // factory/#: it must not come back as a reading or a reject.
        #expect(edge.metric("haetae_messages_received_total") == 4, "\(edge.metrics().split(separator: "\n").filter { $0.contains("rejected") || $0.contains("received") || $0.contains("series") })")
        #expect(try edge.spooledReadings().map(\.series.sensor) == Array(repeating: "temperature", count: 4))
        #expect(await edge.stop() == 0)
    }

    static let thresholdRules = """
        rules:
          - name: line-pressure
            match: {sensor: pressure}
            when: value > 100
            severity: warning
            actions:
              - webhook: default
        """

    @Test("an alert firing across a SIGTERM restart is neither forgotten nor re-fired; one resolved follows after the restart")
    func alertSurvivesRestart() async throws {
        let broker = try await MosquittoBroker()
        let receiver = try await WebhookReceiverProcess(secret: AlertTest.secret)
        let edge = try EdgeProcess(
            brokerPort: broker.port, rules: Self.thresholdRules, webhooks: [.init(url: receiver.url, secret: AlertTest.secret)])
        try await edge.start()
        try await AlertTest.publish(broker, device: "pump-3", sensor: "pressure", value: 150)
        #expect(await eventually { receiver.requests().count == 1 }, "\(edge.output())")
        let firing = try #require(receiver.requests().first)
        let alertID = try #require(firing.data["alert_id"] as? String)
        #expect(firing.type == "alert.firing")
        #expect(edge.alerts().map { $0["alert_id"] as? String } == [alertID])

        #expect(await edge.stop() == 0, "\(edge.output())")
        try await edge.start()
        // Listed at once, before any reading of its series arrives again.
        #expect(edge.alerts().map { $0["alert_id"] as? String } == [alertID])
        #expect(edge.alerts().first?["status"] as? String == "firing")
        #expect(edge.metric("haetae_alerts_firing", labels: #"severity="warning""#) == 1)

        // Still above the threshold after the restart: the restored alert stays firing, silently.
        try await AlertTest.publish(broker, device: "pump-3", sensor: "pressure", value: 160)
        #expect(await eventually { (try? edge.spoolStats()?.readings) == 2 })
        try await Task.sleep(for: .milliseconds(500))
        #expect(receiver.requests().count == 1, "a second firing webhook after the restart: \(receiver.requests().map(\.body))")
        #expect(edge.metric("haetae_alert_notifications_total", labels: #"kind="firing""#) == 0)

        // The condition clears: exactly one resolved, for the same alert.
        try await AlertTest.publish(broker, device: "pump-3", sensor: "pressure", value: 40)
        #expect(await eventually { receiver.requests().count == 2 }, "\(edge.output())")
        try await Task.sleep(for: .milliseconds(300))
        let requests = receiver.requests()
        #expect(requests.count == 2)
        #expect(requests.map(\.type) == ["alert.firing", "alert.resolved"])
        #expect(requests.last?.data["alert_id"] as? String == alertID)
        #expect(requests.last?.data["started_at"] as? String == firing.data["started_at"] as? String)
        #expect(requests.last?.data["value"] as? Double == 40)
        #expect(requests.allSatisfy { $0.verified })
        #expect(edge.alerts().isEmpty)
        #expect(await eventually { edge.metric("haetae_alerts_firing", labels: #"severity="warning""#) == 0 })
        #expect(await edge.stop() == 0)
    }

    /// `thresholdRules` and a second rule that stays.
    static let thresholdAndOverheat = thresholdRules + """

          - name: furnace-overheat
            match: {sensor: temperature}
            when: value > 850
            severity: critical
            actions:
              - webhook: default
        """

    @Test("a rule removed while its alert fires resolves that alert once, with its id and resolved_by, by reload and when removed while the edge was down; the other rule's alert stays")
    func removedRuleResolvesItsAlerts() async throws {
        let broker = try await MosquittoBroker()
        let receiver = try await WebhookReceiverProcess(secret: AlertTest.secret)
        let edge = try EdgeProcess(
            brokerPort: broker.port, rules: Self.thresholdAndOverheat, webhooks: [.init(url: receiver.url, secret: AlertTest.secret)])
        try await edge.start()
        try await AlertTest.publish(broker, device: "pump-3", sensor: "pressure", value: 150)
        try await AlertTest.publish(broker, device: "furnace-1", sensor: "temperature", value: 900)
        #expect(await eventually { receiver.requests().count == 2 }, "\(edge.output())")
        let pumpAlert = try #require(receiver.requests().first { $0.data["rule"] as? String == "line-pressure" }?.data["alert_id"] as? String)

        // Reload without line-pressure: its alert resolves from the rule engine, once.
        try edge.writeRules(Self.thresholdAndOverheat.replacingOccurrences(of: Self.thresholdRules, with: "rules:"))
        #expect(await eventually { receiver.requests().count == 3 }, "\(edge.output())")
        try await Task.sleep(for: .milliseconds(500))
        var requests = receiver.requests()
        #expect(requests.count == 3)
        let resolved = try #require(requests.last)
        #expect(resolved.type == "alert.resolved")
        #expect(resolved.data["alert_id"] as? String == pumpAlert)
        #expect((resolved.data["annotations"] as? [String: Any])?["resolved_by"] as? String == "rule removed from the rule file")
        #expect(requests.allSatisfy { $0.verified })
        #expect(edge.alerts().compactMap { $0["rule"] as? String } == ["furnace-overheat"])

        // Removed while the edge was down: resolved at start from the alert's record.
        #expect(await edge.stop() == 0)
        try edge.writeRules(Self.thresholdRules)
        try await edge.start()
        #expect(await eventually { receiver.requests().count == 4 }, "\(edge.output())")
        try await Task.sleep(for: .milliseconds(500))
        requests = receiver.requests()
        #expect(requests.count == 4)
        #expect(requests.last?.type == "alert.resolved")
        #expect(requests.last?.data["rule"] as? String == "furnace-overheat")
        #expect(requests.last?.data["alert_id"] as? String == requests[0...1].first { $0.data["rule"] as? String == "furnace-overheat" }?.data["alert_id"] as? String)
        #expect((requests.last?.data["annotations"] as? [String: Any])?["resolved_by"] as? String == "rule removed from the rule file")
        #expect(edge.alerts().isEmpty)
        #expect(await edge.stop() == 0)
    }

    @Test("a webhook queued while its receiver fails survives kill -9 and is delivered once, with its original webhook-id")
    func outboxSurvivesKillNine() async throws {
        let broker = try await MosquittoBroker()
        let log = try TemporaryDirectory(prefix: "haetae-receiver-log")
        // The receiver answers 500 to everything while the alert fires.
        let failing = try await WebhookReceiverProcess(secret: AlertTest.secret, then: "500", logPath: log.file("failing.jsonl"))
        let edge = try EdgeProcess(
            brokerPort: broker.port, rules: Self.thresholdRules, webhooks: [.init(url: failing.url, secret: AlertTest.secret)])
        try await edge.start()
        try await AlertTest.publish(broker, device: "pump-3", sensor: "pressure", value: 150)
        #expect(await eventually { failing.requests().count >= 1 }, "\(edge.output())")
        #expect(await eventually { edge.metric("haetae_webhook_deliveries_total", labels: #"receiver="default",outcome="retry""#) ?? 0 >= 1 })
        #expect(edge.metric("haetae_webhook_outbox_depth") == 1)
        let webhookID = try #require(failing.requests().first?.id)
        let body = try #require(failing.requests().first?.body)

        await edge.kill()
        await failing.stop()
        let attemptsBeforeKill = failing.requests().count

        // The receiver is back on the same URL and answers 200; the edge restarts.
        let healthy = try await WebhookReceiverProcess(secret: AlertTest.secret, port: failing.port, logPath: log.file("healthy.jsonl"))
        try await edge.start()
        #expect(await eventually(timeout: .seconds(30)) { healthy.requests().count >= 1 }, "\(edge.output())")
        #expect(await eventually { edge.metric("haetae_webhook_deliveries_total", labels: #"receiver="default",outcome="delivered""#) == 1 })
        #expect(await eventually { edge.metric("haetae_webhook_outbox_depth") == 0 })
        try await Task.sleep(for: .seconds(1))  // a duplicate would show up here

        let delivered = healthy.requests()
        #expect(delivered.count == 1, "\(delivered.map { "\($0.id ?? "?") \($0.body)" })")
        #expect(delivered.first?.id == webhookID)
        #expect(delivered.first?.body == body)
        #expect(delivered.first?.verified == true, "\(delivered.first?.error ?? "")")
        #expect(failing.requests().allSatisfy { $0.id == webhookID && $0.verified })
        print("outbox across kill -9: \(attemptsBeforeKill) failed attempt(s) before the kill, delivered once after the restart as \(webhookID)")
        // Nothing fired twice: the alert was restored, not re-detected.
        #expect(edge.alerts().count == 1)
        #expect(await edge.stop() == 0)
        await healthy.stop()
    }

    @Test("a receiver answering 429 with a Retry-After too large for any clock does not stop the edge: it keeps detecting and holds the webhook")
    func hugeRetryAfterKeepsTheEdgeRunning() async throws {
        let broker = try await MosquittoBroker()
        let log = try TemporaryDirectory(prefix: "haetae-receiver-log")
        defer { log.remove() }
        let receiver = try await WebhookReceiverProcess(secret: AlertTest.secret, then: "429@9999999999999999", logPath: log.file("receiver.jsonl"))
        let edge = try EdgeProcess(
            brokerPort: broker.port, rules: Self.thresholdRules, webhooks: [.init(url: receiver.url, secret: AlertTest.secret)])
        try await edge.start()
        try await AlertTest.publish(broker, device: "pump-3", sensor: "pressure", value: 150)
        #expect(await eventually { receiver.requests().count >= 1 }, "\(edge.output())")
        #expect(await eventually { edge.metric("haetae_webhook_deliveries_total", labels: #"receiver="default",outcome="retry""#) ?? 0 >= 1 })
        try await Task.sleep(for: .seconds(1))
        // Still running and still detecting: a second hazard raises a second alert.
        try await AlertTest.publish(broker, device: "pump-4", sensor: "pressure", value: 150)
        #expect(await eventually { edge.alerts().count == 2 }, "\(edge.output())")
        #expect((edge.metric("haetae_webhook_outbox_depth") ?? 0) >= 1, "the webhooks wait in the outbox")
        #expect(await edge.stop() == 0, "\(edge.output())")
        await receiver.stop()
    }

    @Test("a rule tripped by 200 devices at once sends 20 alerts and one flood alert, every stop command still goes out, and the flood resolves with its count")
    func floodIsAggregated() async throws {
        let broker = try await MosquittoBroker()
        let receiver = try await WebhookReceiverProcess(secret: AlertTest.secret)
        let rules = """
            rules:
              - name: overpressure
                match: {sensor: pressure}
                when: value > 10
                severity: warning
                actions:
                  - webhook: default
                  - mqtt: {topic: "factory/{site}/{line}/{device}/cmd", payload: '{"cmd":"stop"}', qos: 1}
            """
        let edge = try EdgeProcess(
            brokerPort: broker.port, rules: rules, rulesSettings: ["watch_interval: 200ms", "max_alerts_per_minute: 20"],
            webhooks: [.init(url: receiver.url, secret: AlertTest.secret)])
        try await edge.start()
        // 200 devices, one message each, every value above 10 (publishBulk writes seq.5).
        try await Publisher.publishBulk(
            port: broker.port, count: 200, qos: 1, topics: (0..<200).map { "factory/seoul/line1/press-\($0)/pressure" }, firstSeq: 100)
        #expect(await eventually { edge.metric("haetae_mqtt_actions_sent_total") == 200 }, "\(edge.output().suffix(2_000))")
        #expect(await eventually { edge.metric("haetae_alerts_suppressed_total") == 180 })
        #expect(await eventually { receiver.requests().count == 21 })
        try await Task.sleep(for: .milliseconds(500))
        let requests = receiver.requests()
        #expect(requests.count == 21)
        let floods = requests.filter { ($0.data["labels"] as? [String: String])?["flood"] == "true" }
        #expect(floods.count == 1)
        #expect(floods.first?.data["device"] as? String == "")
        #expect((floods.first?.data["annotations"] as? [String: String])?["summary"]?.contains("alert flood: rule overpressure") == true)
        // The edge's API lists the 20 alerts and the flood, not 200.
        #expect(edge.alerts().count == 21)
        #expect(await edge.stop() == 0)
    }

    @Test("1,000 alarms within a minute at one site: 10 alarms and one site flood alarm naming the first out are sent, the other 990 are counted; the flood alarm ends at a restart")
    func siteFloodIsOneAlarm() async throws {
        let broker = try await MosquittoBroker()
        let receiver = try await WebhookReceiverProcess(secret: AlertTest.secret)
        let rules = """
            rules:
              - name: overpressure
                match: {sensor: pressure}
                when: value > 1000
                severity: warning
                actions:
                  - webhook: default
            """
        let edge = try EdgeProcess(
            brokerPort: broker.port, rules: rules,
            rulesSettings: ["watch_interval: 200ms", "max_alerts_per_minute: 0", "max_site_alerts_per_minute: 10"],
            webhooks: [.init(url: receiver.url, secret: AlertTest.secret)])
        try await edge.start()
        let topics = (0..<1_000).map { "factory/seoul/line\($0 % 10)/press-\($0)/pressure" }
        // Every device reports normally twice, 6 s apart (a history: not a newcomer), then trips.
        try await Publisher.publishBulk(port: broker.port, count: 1_000, qos: 1, topics: topics, firstSeq: 0)
        try await Task.sleep(for: .seconds(6))
        try await Publisher.publishBulk(port: broker.port, count: 1_000, qos: 1, topics: topics, firstSeq: 0)
        #expect(await eventually { edge.metric("haetae_rule_evaluations_total") == 2_000 }, "\(edge.output().suffix(2_000))")
        try await Publisher.publishBulk(port: broker.port, count: 1_000, qos: 1, topics: topics, firstSeq: 5_000)
        #expect(await eventually(timeout: .seconds(30)) { edge.metric("haetae_alerts_suppressed_total") == 990 }, "\(edge.output().suffix(2_000))")
        #expect(await eventually { receiver.requests().count == 11 })
        try await Task.sleep(for: .milliseconds(500))
        let requests = receiver.requests()
        #expect(requests.count == 11)
        let flood = try #require(requests.first { $0.data["rule"] as? String == "edge:site-flood" }, "\(requests.map(\.body))")
        #expect(flood.data["severity"] as? String == "critical")
        let annotations = flood.data["annotations"] as? [String: String] ?? [:]
        // The first out is the first alarm the edge recorded (webhooks go out concurrently, so
        // the receiver may get them in another order).
        let recorded = edge.alerts(status: "all").filter { $0["rule"] as? String == "overpressure" && $0["notification"] as? String == "firing" }
        #expect(recorded.count == 10)
        #expect(annotations["first_out_alert_id"] == recorded.last?["alert_id"] as? String, "the first out is the first alarm recorded")
        #expect(annotations["first_out"]?.hasPrefix("overpressure at seoul/") == true)
        // As for a rule's flood, the edge lists what it notified (the 10 and the flood), not 1,000.
        #expect(edge.alerts().count == 11)
        // A restart loses the flood's count: the flood alarm ends then, from its record, instead of firing forever.
        #expect(await edge.stop() == 0)
        try await edge.start()
        #expect(await eventually {
            receiver.requests().contains {
                $0.data["rule"] as? String == "edge:site-flood" && $0.data["notification"] as? String == "resolved"
                    && ($0.data["annotations"] as? [String: Any])?["resolved_by"] as? String == "the edge restarted or took over: its flood count starts again"
            }
        }, "\(receiver.requests().suffix(2).map(\.body))")
        #expect(edge.alerts().count == 10, "the 10 alarms still fire")
        #expect(await edge.stop() == 0)
    }

    @Test("40 alerts of one-shot series to a slow receiver do not hold back a real sensor's alert: its webhook is sent while theirs still wait")
    func newcomerBurstDoesNotHoldBackARealAlert() async throws {
        let broker = try await MosquittoBroker()
        // Each request takes 0.5 s: 40 low-priority webhooks at 3 at a time take about 7 s.
        let receiver = try await WebhookReceiverProcess(secret: AlertTest.secret, then: "sleep:0.5")
        let rules = """
            rules:
              - name: overpressure
                match: {sensor: pressure}
                when: value > 10
                severity: critical
                actions: [{webhook: default}]
            """
        let edge = try EdgeProcess(brokerPort: broker.port, rules: rules, webhooks: [.init(url: receiver.url, secret: AlertTest.secret)])
        try await edge.start()
        // A real press has reported for more than 5 s when it trips.
        try await AlertTest.publish(broker, device: "press-real", sensor: "pressure", value: 1)
        try await Task.sleep(for: .milliseconds(5_500))
        try await AlertTest.publish(broker, device: "press-real", sensor: "pressure", value: 2)
        try await Publisher.publishBulk(
            port: broker.port, count: 40, qos: 1, topics: (0..<40).map { "factory/seoul/line9/dev-\($0)/pressure" }, firstSeq: 100)
        #expect(await eventually { receiver.requests().count >= 1 }, "\(edge.output().suffix(2_000))")
        try await AlertTest.publish(broker, device: "press-real", sensor: "pressure", value: 50)
        #expect(await eventually(timeout: .seconds(3)) { receiver.requests().contains { $0.json?["data"].flatMap { $0 as? [String: Any] }?["device"] as? String == "press-real" } },
                "the real alert waited behind the burst: \(receiver.requests().map { ($0.json?["data"] as? [String: Any])?["device"] ?? "?" })")
        let before = receiver.requests().count
        #expect(before < 20, "\(before) requests went before the real alert's")
        #expect(await eventually(timeout: .seconds(20)) { receiver.requests().count == 41 }, "every alert is still delivered")
        #expect(await edge.stop() == 0)
        await receiver.stop()
    }

    @Test("a stop command that cannot be published while the broker is down is recorded and retried while its alert fires, and goes out when the broker is back")
    func failedCommandRetried() async throws {
        let broker = try await MosquittoBroker()
        let rules = """
            rules:
              - name: overheat
                match: {sensor: temperature}
                when: value > 100
                for: 2s
                actions:
                  - mqtt: {topic: "factory/{site}/{line}/{device}/cmd", payload: '{"cmd":"stop"}', qos: 0}
            """
        let edge = try EdgeProcess(brokerPort: broker.port, rules: rules)
        try await edge.start()
        try await AlertTest.publish(broker, value: 150)
        #expect(await eventually { (edge.metric("haetae_alerts_pending") ?? 0) == 1 })
        // The alert fires by its timer while the broker is down: the QoS 0 publish fails.
        await broker.stop()
        func commands() -> [[String: Any]] { edge.api("/api/v1/commands")?["commands"] as? [[String: Any]] ?? [] }
        #expect(await eventually(timeout: .seconds(10)) { commands().contains { ($0["result"] as? String)?.hasPrefix("failed") == true } },
                "\(commands())")
        try await Task.sleep(for: .seconds(2))
        try await broker.start()
        #expect(await eventually(timeout: .seconds(40)) { commands().contains { $0["result"] as? String == "sent" } }, "\(commands())")
        let records = commands().reversed()
        let sent = try #require(records.first { $0["result"] as? String == "sent" })
        #expect((sent["attempt"] as? Int ?? 0) >= 2)
        #expect(sent["topic"] as? String == "factory/seoul/line1/furnace-01/cmd")
        #expect(sent["alert_id"] as? String == records.first?["alert_id"] as? String)
        #expect(edge.metric("haetae_mqtt_actions_sent_total") == 1)
        #expect((edge.metric("haetae_mqtt_action_errors_total") ?? 0) >= 1)
        // Sent once: no more retries.
        let count = commands().count
        try await Task.sleep(for: .seconds(3))
        #expect(commands().count == count)
        #expect(await edge.stop() == 0)
    }
}
