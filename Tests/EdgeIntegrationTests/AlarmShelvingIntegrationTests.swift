import Foundation
import TestSupport
import Testing

/// Alarm management reaching the edge: an operator shelves an alarm or takes a device out of
/// service at a real haetae-core (page account, CSRF), the edge learns it on its forwarder's
/// connection through a WAN proxy, and sends no webhook and no stop command for it while the
/// alarm is still recorded and forwarded; shelving ends by itself; during a WAN cut (and across a
/// restart) the edge keeps what it knew, and actions taken meanwhile apply when the link returns.
@Suite("Alarm shelving at the edge (integration)", .serialized, .timeLimit(.minutes(4)))
struct AlarmShelvingIntegrationTests {
    static let rules = """
        rules:
          - name: line-pressure
            match: {sensor: pressure}
            when: value > 100
            clear: value < 90
            severity: warning
            actions:
              - webhook: default
              - mqtt: {topic: "factory/{site}/{line}/{device}/cmd", payload: '{"cmd":"stop"}', qos: 1}
        """
    static let password = "operator-password-0042"

    static func shelve(_ device: String, for duration: String) -> String {
        #"{"action":"shelve","rule":"line-pressure","site":"seoul","line":"line1","device":"\#(device)","sensor":"pressure","for":"\#(duration)","comment":"gauge being replaced"}"#
    }

    static func millis(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    /// The devices whose firing or resolved webhooks the receiver got, in order (`device:kind`).
    static func hooks(_ receiver: WebhookReceiverProcess) -> [String] {
        receiver.requests().map { "\($0.data["device"] as? String ?? "?"):\($0.data["notification"] as? String ?? "?")" }
    }

    /// Raises and clears `device`'s hazard; waits until the edge has both transitions.
    static func hazard(_ broker: MosquittoBroker, _ edge: EdgeProcess, _ device: String) async throws {
        let before = edge.metric("haetae_alert_notifications_total", labels: #"kind="resolved""#) ?? 0
        try await AlertTest.publish(broker, device: device, sensor: "pressure", value: 150)
        try await AlertTest.publish(broker, device: device, sensor: "pressure", value: 50)
        #expect(await eventually { (edge.metric("haetae_alert_notifications_total", labels: #"kind="resolved""#) ?? 0) > before },
                "\(edge.output())")
    }

    @Test("shelved and out-of-service alarms send no webhook and no stop command but are recorded and forwarded; a shelf ends by itself; a WAN cut and a restart keep what the edge knew; actions taken during the cut apply when it ends")
    func shelvingReachesTheEdge() async throws {
        let broker = try await MosquittoBroker()
        let core = try RealCore(accounts: true)
        try await core.addUser("oli", role: "operator", password: Self.password)
        try await core.start()
        let wan = try await WANProxyProcess(targetPort: core.port, latency: .milliseconds(20), jitter: .milliseconds(5))
        let receiver = try await WebhookReceiverProcess(secret: AlertTest.secret)
        let edge = try EdgeProcess(
            brokerPort: broker.port, rules: Self.rules, webhooks: [.init(url: receiver.url, secret: AlertTest.secret)],
            extra: "forward: {urls: [\"\(wan.url)\"], token_file: edge.token, timeout: 2s, backoff: {initial: 50ms, max: 500ms}, suppressions_interval: 200ms}")
        try (core.token + "\n").write(toFile: edge.directory.file("edge.token"), atomically: true, encoding: .utf8)
        try await edge.start()
        let commands = try await AlertTest.subscriber(broker, filter: "factory/+/+/+/cmd")
        defer { commands.kill() }

        // Shelve pump-3; time until the edge knows.
        let shelved = try await core.act(Self.shelve("pump-3", for: "1h"), user: "oli", password: Self.password)
        #expect(shelved.status == 200, "\(shelved.body)")
        let actedAt = ContinuousClock.now
        #expect(await eventually(timeout: .seconds(10), poll: .milliseconds(5)) {
            edge.api("/api/v1/suppressions").flatMap { ($0["shelves"] as? [Any])?.count } == 1
        })
        print("shelving latency core → edge (poll every 200 ms, 20 ms ± 5 ms each way): \(Self.millis(ContinuousClock.now - actedAt)) ms")
        #expect(edge.metric("haetae_alarm_shelves") == 1)

        // pump-3's hazard: recorded and forwarded, silenced; pump-4's goes out as usual.
        try await Self.hazard(broker, edge, "pump-3")
        try await Self.hazard(broker, edge, "pump-4")
        #expect(await eventually { Self.hooks(receiver) == ["pump-4:firing", "pump-4:resolved"] }, "\(Self.hooks(receiver))")
        #expect(edge.metric("haetae_alerts_silenced_total", labels: #"reason="shelved""#) == 1)
        let recent = edge.alerts(status: "all").filter { $0["device"] as? String == "pump-3" }
        #expect(recent.map { $0["notification"] as? String } == ["resolved", "firing"])
        let firing = try #require(recent.last)
        #expect(((firing["annotations"] as? [String: Any])?["silenced"] as? String)?.hasPrefix("shelved until 20") == true, "\(firing)")
        let commandLog = try #require(edge.api("/api/v1/commands")?["commands"] as? [[String: Any]])
        #expect(commandLog.contains { $0["result"] as? String == "sent" && ($0["topic"] as? String)?.contains("pump-4") == true })
        #expect(commandLog.contains { ($0["result"] as? String)?.hasPrefix("not sent: shelved until") == true && ($0["topic"] as? String)?.contains("pump-3") == true })
        #expect(await eventually {
            (try? JSONSerialization.jsonObject(with: Data((HTTPGet.fetch(port: core.port, path: "/api/v1/alerts")?.body ?? "").utf8)) as? [String: Any])
                .flatMap { $0["alerts"] as? [[String: Any]] }?.contains { $0["device"] as? String == "pump-3" } == true
        }, "the silenced alarm reached the core")

        // A short shelf on pump-5, then the WAN is cut; meanwhile pump-4 goes out of service at the core.
        #expect(try await core.act(Self.shelve("pump-5", for: "3s"), user: "oli", password: Self.password).status == 200)
        #expect(await eventually(timeout: .seconds(10)) { edge.api("/api/v1/suppressions").flatMap { ($0["shelves"] as? [Any])?.count } == 2 })
        let shelfSetAt = ContinuousClock.now
        try await wan.cut()
        let outOfService = try await core.act(
            #"{"action":"out_of_service","site":"seoul","line":"line1","device":"pump-4","comment":"bearing swap"}"#, user: "oli", password: Self.password)
        #expect(outOfService.status == 200, "\(outOfService.body)")

        // During the cut, across a restart: pump-3 still shelved; pump-4 not yet known out of service.
        #expect(await edge.stop() == 0)
        try await edge.start()
        try await Self.hazard(broker, edge, "pump-3")
        try await Self.hazard(broker, edge, "pump-4")
        #expect(await eventually { Self.hooks(receiver).count == 4 }, "\(Self.hooks(receiver))")
        // pump-5's 3 s shelf ends by itself at the edge, with the link still cut.
        try await Task.sleep(until: shelfSetAt + .seconds(3.5))
        try await Self.hazard(broker, edge, "pump-5")
        #expect(await eventually { Self.hooks(receiver).count == 6 }, "\(Self.hooks(receiver))")
        #expect(Self.hooks(receiver) == ["pump-4:firing", "pump-4:resolved", "pump-4:firing", "pump-4:resolved", "pump-5:firing", "pump-5:resolved"])

        // The link returns: the out-of-service taken meanwhile applies.
        try await wan.restore()
        #expect(await eventually(timeout: .seconds(15)) {
            edge.api("/api/v1/suppressions").flatMap { ($0["out_of_service"] as? [Any])?.count } == 1
        }, "\(edge.output())")
        try await Self.hazard(broker, edge, "pump-4")
        try await Task.sleep(for: .milliseconds(500))
        #expect(Self.hooks(receiver).count == 6, "pump-4 is out of service: \(Self.hooks(receiver))")
        #expect(edge.metric("haetae_alerts_silenced_total", labels: #"reason="out_of_service""#) == 1)
        #expect(receiver.requests().allSatisfy { $0.verified })
        #expect(await edge.stop() == 0)
        _ = await core.stop()
    }

    /// The stop commands for `device` that mosquitto_sub printed. (Webhooks go out concurrently:
    /// a repeat sent just before a resolve may arrive after it, so tests look for the resolve.)
    static func commands(_ subscriber: ChildProcess, _ device: String) -> Int {
        subscriber.output().split(separator: "\n").filter { $0.contains("/\(device)/cmd") }.count
    }

    @Test("an alarm that fired shelved and still fires when its shelf ends is announced then (webhook and stop command), after a restart too; a repeat while shelved keeps the receivers that heard the firing, so its resolve reaches them after a restart")
    func heldBackAlarmsAreAnnouncedAndResolvesReachWhoHeardTheFiring() async throws {
        let rules = Self.rules.replacingOccurrences(of: "severity: warning", with: "severity: warning\n    repeat: 1s")
        let broker = try await MosquittoBroker()
        let core = try RealCore(accounts: true)
        try await core.addUser("oli", role: "operator", password: Self.password)
        try await core.start()
        let receiver = try await WebhookReceiverProcess(secret: AlertTest.secret)
        let edge = try EdgeProcess(
            brokerPort: broker.port, rules: rules, webhooks: [.init(url: receiver.url, secret: AlertTest.secret)],
            extra: "forward: {urls: [\"http://127.0.0.1:\(core.port)\"], token_file: edge.token, timeout: 2s, backoff: {initial: 50ms, max: 500ms}, suppressions_interval: 100ms}")
        try (core.token + "\n").write(toFile: edge.directory.file("edge.token"), atomically: true, encoding: .utf8)
        try await edge.start()
        let commands = try await AlertTest.subscriber(broker, filter: "factory/+/+/+/cmd")
        defer { commands.kill() }
        func shelves() -> Int? { edge.api("/api/v1/suppressions").flatMap { ($0["shelves"] as? [Any])?.count } }
        func hooks(_ device: String) -> [String] { Self.hooks(receiver).filter { $0.hasPrefix(device + ":") } }

        // pump-6 fires during a 2 s shelf: nothing goes out, until the shelf ends while it still fires.
        let shelvedAt = ContinuousClock.now
        #expect(try await core.act(Self.shelve("pump-6", for: "2s"), user: "oli", password: Self.password).status == 200)
        #expect(await eventually(timeout: .seconds(10), poll: .milliseconds(10)) { shelves() == 1 })
        try await AlertTest.publish(broker, device: "pump-6", sensor: "pressure", value: 150)
        #expect(await eventually { edge.alerts(status: "firing").contains { $0["device"] as? String == "pump-6" } })
        try await Task.sleep(for: .milliseconds(1_200))
        #expect(hooks("pump-6").isEmpty && Self.commands(commands, "pump-6") == 0, "shelved: \(hooks("pump-6"))")
        #expect(await eventually(timeout: .seconds(10)) { hooks("pump-6").first == "pump-6:repeat" }, "\(Self.hooks(receiver))")
        let announcedAfter = ContinuousClock.now - shelvedAt
        #expect(announcedAfter >= .seconds(2), "not before the shelf ends")
        #expect(await eventually { Self.commands(commands, "pump-6") == 1 }, "its stop command goes out: \(commands.output())")
        let announcement = try #require(receiver.requests().first { $0.data["device"] as? String == "pump-6" })
        #expect(((announcement.data["annotations"] as? [String: Any])?["announced"] as? String)?.contains("shelved until") == true,
                "\(announcement.data)")
        try await AlertTest.publish(broker, device: "pump-6", sensor: "pressure", value: 50)
        #expect(await eventually { hooks("pump-6").contains("pump-6:resolved") }, "\(hooks("pump-6"))")

        // pump-7 fires during a 3 s shelf and the edge restarts before it ends: announced after the
        // restart, once its series reports again (the engine knows a series from its readings).
        #expect(try await core.act(Self.shelve("pump-7", for: "3s"), user: "oli", password: Self.password).status == 200)
        #expect(await eventually(timeout: .seconds(10), poll: .milliseconds(10)) { shelves() == 1 })
        try await AlertTest.publish(broker, device: "pump-7", sensor: "pressure", value: 150)
        #expect(await eventually { edge.alerts(status: "firing").contains { $0["device"] as? String == "pump-7" } })
        #expect(await edge.stop() == 0)
        try await edge.start()
        try await AlertTest.publish(broker, device: "pump-7", sensor: "pressure", value: 150)  // it keeps reporting
        #expect(await eventually(timeout: .seconds(10)) { hooks("pump-7").first == "pump-7:repeat" }, "\(Self.hooks(receiver))")
        #expect(await eventually { Self.commands(commands, "pump-7") == 1 }, "\(commands.output())")
        try await AlertTest.publish(broker, device: "pump-7", sensor: "pressure", value: 50)
        #expect(await eventually { hooks("pump-7").contains("pump-7:resolved") }, "\(hooks("pump-7"))")

        // pump-8 fires (heard), is shelved, repeats silenced; after a restart its resolve still reaches the receiver.
        try await AlertTest.publish(broker, device: "pump-8", sensor: "pressure", value: 150)
        #expect(await eventually { hooks("pump-8").first == "pump-8:firing" }, "\(hooks("pump-8"))")
        #expect(try await core.act(Self.shelve("pump-8", for: "1h"), user: "oli", password: Self.password).status == 200)
        #expect(await eventually(timeout: .seconds(10), poll: .milliseconds(10)) { shelves() == 1 })
        let silencedBefore = edge.metric("haetae_alerts_silenced_total", labels: #"reason="shelved""#) ?? 0
        #expect(await eventually(timeout: .seconds(5)) {
            (edge.metric("haetae_alerts_silenced_total", labels: #"reason="shelved""#) ?? 0) > silencedBefore
        }, "a repeat while shelved")
        let heard = hooks("pump-8").count
        #expect(await edge.stop() == 0)
        try await edge.start()
        try await AlertTest.publish(broker, device: "pump-8", sensor: "pressure", value: 50)
        #expect(await eventually { hooks("pump-8").contains("pump-8:resolved") }, "\(hooks("pump-8")) \(edge.output())")
        #expect(hooks("pump-8").count == heard + 1, "no announcement of an alarm that was heard: \(hooks("pump-8"))")
        #expect(Self.commands(commands, "pump-8") == 1)
        #expect(receiver.requests().allSatisfy { $0.verified })
        #expect(await edge.stop() == 0)
        _ = await core.stop()
    }
}
