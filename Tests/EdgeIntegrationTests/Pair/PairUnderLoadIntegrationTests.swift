import Foundation
import TestSupport
import Testing

/// A site's active/standby pair under `seoul` at 3,000 readings/s with its hazards, the shipped
/// rules, webhooks to the simulator's verifier and forwarding to a real core, while the active
/// is killed, frozen, restarted; the simulator checks every reading at the core and every alert
/// against the hazards it injected. Real mosquitto, two real edges, a real core.
@Suite("Active/standby pair under load (integration, long)", .serialized, .timeLimit(.minutes(5)))
struct PairUnderLoadIntegrationTests {
    static let rate = 3_000
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    /// Rules of Deploy/rules/factory.yaml whose actions include a stop command.
    static let stoppingRules: Set<String> = ["furnace-overheat", "overheat"]

    /// The pair, the core and the simulator, running; the simulator publishes for `seconds`.
    struct Site {
        let broker: MosquittoBroker
        let core: RealCore
        let a: EdgeProcess
        let b: EdgeProcess
        let sim: SimulatorRun

        static func start(seconds: Int) async throws -> Site {
            let broker = try await MosquittoBroker()
            let core = try RealCore(edgeID: "seoul-a", also: ["seoul-b"])
            try await core.start()
            let hookPort = FreePort.allocate()
            let a = try edge("seoul-a", broker: broker, core: core, hookPort: hookPort)
            let b = try edge("seoul-b", broker: broker, core: core, hookPort: hookPort)
            try await a.start()
            #expect(await eventually { a.metric("haetae_edge_active") == 1 }, "\(a.output().suffix(2_000))")
            try await b.start()
            let sim = try SimulatorRun(broker: broker.port, directory: a.directory, [
                "--scenario", "seoul", "--duration", "\(seconds)s", "--rate", "\(PairUnderLoadIntegrationTests.rate)", "--qos", "1",
                "--webhook-listen", "127.0.0.1:\(hookPort)", "--webhook-secret", PairUnderLoadIntegrationTests.secret,
                "--alert-wait", "20s", "--verify-core", core.url, "--verify-wait", "90s",
            ])
            return Site(broker: broker, core: core, a: a, b: b, sim: sim)
        }

        static func edge(_ id: String, broker: MosquittoBroker, core: RealCore, hookPort: Int) throws -> EdgeProcess {
            let edge = try EdgeProcess(
                brokerPort: broker.port, edgeID: id, clientID: "haetae-seoul",
                spool: "batch_max_readings: 1000\nbatch_max_age: 300ms",
                rules: try String(contentsOfFile: AlertTest.repositoryFile("Deploy/rules/factory.yaml"), encoding: .utf8),
                webhooks: [.init(url: "http://127.0.0.1:\(hookPort)/hooks", secret: PairUnderLoadIntegrationTests.secret, settings: ["timeout: 2s"])],
                extra: """
                    forward: {urls: ["\(core.url)"], token_file: edge.token, timeout: 2s, backoff: {initial: 50ms, max: 1s}}
                    ownership: {client_id: haetae-\(id)}
                    """)
            try (core.token(for: id) + "\n").write(toFile: edge.directory.file("edge.token"), atomically: true, encoding: .utf8)
            return edge
        }

        /// Waits until `edge` is active; how long that took from `since`.
        func takeover(by edge: EdgeProcess, since: ContinuousClock.Instant, timeout: Duration = .seconds(15)) async -> Duration? {
            while ContinuousClock.now - since < timeout {
                if edge.metric("haetae_edge_active") == 1 { return ContinuousClock.now - since }
                try? await Task.sleep(for: .milliseconds(5))
            }
            return nil
        }

        /// Waits for the simulator, checks the alerts, prints one line; returns the core's result.
        /// - Parameter disruptedAtMillis: when the pair was disrupted (missed hazards are printed
        ///   relative to it).
        func finish(_ what: String, disruptedAtMillis: Int64, extra: String = "") async throws -> [String: Any] {
            let status = await sim.finish(timeout: .seconds(180))
            let report = try sim.report()
            let alerts = try #require(report["alerts"] as? [String: Any], "\(sim.process.output())")
            let result = try sim.core()
            let fired = alerts["fired"] as? [[String: Any]] ?? []
            let stopping = fired.filter { PairUnderLoadIntegrationTests.stoppingRules.contains($0["rule"] as? String ?? "") }.count
            let repeated = alerts["repeated_alerts"] as? [[String: Any]] ?? []
            let resolvedTwice = alerts["resolved_twice"] as? [String] ?? []
            let stops = alerts["stop_commands"] as? Int ?? -1
            let missed = alerts["missed"] as? [[String: Any]] ?? []
            print("""
                pair, \(what) under \(PairUnderLoadIntegrationTests.rate) readings/s: \(extra)\
                core \(result["stored"] ?? "?")/\(result["sent"] ?? "?") stored, lost \(result["lost"] ?? "?"), duplicated \(result["duplicated"] ?? "?"); \
                hazards \(alerts["hazards"] ?? "?"), detected \(alerts["detected"] ?? "?"), alerts fired \(alerts["firing_alerts"] ?? "?"), \
                resolved \(alerts["resolved_alerts"] ?? "?"), fired twice \(repeated.count), resolved twice \(resolvedTwice.count), \
                stop commands \(stops) for \(stopping) firings of stopping rules; \
                seoul-a took over \(Int(a.metric("haetae_ownership_takeovers_total") ?? 0))×, seoul-b \(Int(b.metric("haetae_ownership_takeovers_total") ?? 0))×, \
                alerts adopted \(Int((a.metric("haetae_alerts_adopted_total") ?? 0) + (b.metric("haetae_alerts_adopted_total") ?? 0)))
                """)
            #expect(status == 0 || (result["lost"] as? Int ?? 0) > 0 || (result["duplicated"] as? Int ?? 0) > 0, "\(sim.process.output().suffix(3_000))")
            let missedText = missed.map {
                "\($0["type"] ?? "?") \($0["device"] ?? "?") \((($0["start_ms"] as? NSNumber)?.int64Value ?? 0) - disruptedAtMillis) ms…\((($0["end_ms"] as? NSNumber)?.int64Value ?? 0) - disruptedAtMillis) ms from the disruption"
            }
            if !missed.isEmpty { print("missed: \(missedText)") }
            #expect(missed.isEmpty, "missed: \(missedText)")
            #expect(repeated.isEmpty, "an alert fired again for a condition already alerted: \(repeated)")
            #expect(resolvedTwice.isEmpty, "alerts resolved twice: \(resolvedTwice)")
            #expect(stops >= 1 && stops <= stopping, "at most one stop command per firing")
            #expect(result["unexpected"] as? Int == 0)
            return result
        }

        func stop() async {
            #expect(await a.stop() == 0)
            #expect(await b.stop() == 0)
            #expect(await core.stop() == 0)
            withExtendedLifetime(broker) {}
        }
    }

    @Test("kill -9 of the active under load: the standby takes over at once; only the killed one's commit window is lost; no alert twice")
    func killActive() async throws {
        let site = try await Site.start(seconds: 45)
        #expect(await eventually(timeout: .seconds(20)) { site.core.storedReadings() >= 10_000 })
        let share = site.a.metric("haetae_readings_accepted_total") ?? 0
        let killedAtMillis = wallMillis()
        let killedAt = ContinuousClock.now
        await site.a.kill()
        let takeover = await site.takeover(by: site.b, since: killedAt)
        try await Task.sleep(for: .seconds(3))
        try await site.a.start()  // back as the standby, forwarding what its spool held
        let result = try await site.finish("kill -9 of the active", disruptedAtMillis: killedAtMillis, extra: "takeover \(takeover.map { "\($0)" } ?? "never"); ")
        let lost = result["lost"] as? Int ?? -1
        let lostFrom = (result["lost_published_first_ms"] as? NSNumber)?.int64Value
        let lostTo = (result["lost_published_last_ms"] as? NSNumber)?.int64Value
        print("kill -9: lost \(lost) (allowed: 500 ms at \(Self.rate)/s), published \(lostFrom.map { "\($0 - killedAtMillis)" } ?? "-")…\(lostTo.map { "\($0 - killedAtMillis)" } ?? "-") ms from the kill; the killed edge had accepted \(Int(share))")
        #expect(takeover != nil && takeover! < .seconds(1))
        #expect(lost >= 0 && lost <= Self.rate / 2)
        if let lostFrom, let lostTo {
            #expect(lostFrom >= killedAtMillis - 1_000 && lostTo <= killedAtMillis + 500, "lost \(lostFrom - killedAtMillis)…\(lostTo - killedAtMillis) ms from the kill")
        }
        #expect(result["duplicated"] as? Int == 0)
        await site.stop()
    }

    @Test("the active frozen (SIGSTOP) for 20 s under load: the standby takes over within the heartbeat timeout, nothing is lost, the resumed one acts on nothing")
    func freezeActive() async throws {
        let site = try await Site.start(seconds: 45)
        #expect(await eventually(timeout: .seconds(20)) { site.core.storedReadings() >= 6_000 })
        // Its acts so far, read just before the freeze: none may follow.
        let actsBefore = (site.a.metric("haetae_mqtt_actions_sent_total") ?? 0, site.a.metric("haetae_alert_notifications_total", labels: #"kind="firing""#) ?? 0)
        let frozenAt = ContinuousClock.now
        let frozenAtMillis = wallMillis()
        site.a.child?.signal(SIGSTOP)
        let takeover = await site.takeover(by: site.b, since: frozenAt)
        let remaining = max(.zero, .seconds(20) - (ContinuousClock.now - frozenAt))
        try await Task.sleep(for: remaining)
        site.a.child?.signal(SIGCONT)
        #expect(await eventually(timeout: .seconds(10)) { site.a.metric("haetae_edge_active") == 0 })
        let result = try await site.finish("SIGSTOP of the active for 20 s", disruptedAtMillis: frozenAtMillis, extra: "takeover \(takeover.map { "\($0)" } ?? "never"); withheld by the resumed one \(Int(site.a.metric("haetae_alerts_withheld_total") ?? 0)), left for redelivery \(Int(site.a.metric("haetae_mqtt_left_for_redelivery_total") ?? 0)); ")
        #expect(takeover != nil && takeover! < .seconds(5))
        #expect(result["lost"] as? Int == 0)
        #expect((result["duplicated"] as? Int ?? -1) >= 0)
        #expect(site.a.metric("haetae_mqtt_actions_sent_total") ?? 0 == actsBefore.0, "the resumed edge sent a stop command")
        #expect(site.a.metric("haetae_alert_notifications_total", labels: #"kind="firing""#) ?? 0 == actsBefore.1, "the resumed edge fired an alert")
        await site.stop()
    }

    @Test("a rolling restart of the pair under load (the active stopped and restarted, then the other): nothing lost or duplicated, no alert twice")
    func rollingRestart() async throws {
        let site = try await Site.start(seconds: 45)
        #expect(await eventually(timeout: .seconds(20)) { site.core.storedReadings() >= 6_000 })
        var takeovers: [Duration] = []
        let firstStopMillis = wallMillis()
        for (stopping, taking) in [(site.a, site.b), (site.b, site.a)] {
            let stoppedAt = ContinuousClock.now
            #expect(await stopping.stop() == 0)
            if let took = await site.takeover(by: taking, since: stoppedAt) { takeovers.append(took) }
            try await stopping.start()
            try await Task.sleep(for: .seconds(4))
        }
        let result = try await site.finish("rolling restart", disruptedAtMillis: firstStopMillis, extra: "takeovers \(takeovers) (from SIGTERM, incl. the stop); ")
        #expect(takeovers.count == 2)
        #expect(result["lost"] as? Int == 0)
        #expect(result["duplicated"] as? Int == 0)
        await site.stop()
    }

    @Test("both edges restarted at once under load: one takes the session, the broker kept what came meanwhile; nothing lost")
    func bothRestarted() async throws {
        let site = try await Site.start(seconds: 45)
        #expect(await eventually(timeout: .seconds(20)) { site.core.storedReadings() >= 6_000 })
        let stoppedAtMillis = wallMillis()
        async let stopA = site.a.stop()
        async let stopB = site.b.stop()
        #expect(await [stopA, stopB] == [0, 0])
        async let startA: Void = site.a.start()
        async let startB: Void = site.b.start()
        try await startA
        try await startB
        #expect(await eventually { [site.a, site.b].filter { $0.metric("haetae_edge_active") == 1 }.count == 1 })
        let result = try await site.finish("both edges restarted at once", disruptedAtMillis: stoppedAtMillis)
        #expect(result["lost"] as? Int == 0)
        // Counted, not expected: 1 reading in 2 of 5 runs here (of 72,542 and 129,264).
        #expect((result["duplicated"] as? Int ?? -1) >= 0 && (result["duplicated"] as? Int ?? 0) < 100)
        await site.stop()
    }

    @Test("the broker restarted with the pair running under load: the pair settles on one active; nothing lost (QoS 1 redelivery may repeat a reading; counted)")
    func brokerRestarted() async throws {
        let site = try await Site.start(seconds: 45)
        #expect(await eventually(timeout: .seconds(20)) { site.core.storedReadings() >= 6_000 })
        let restartedAtMillis = wallMillis()
        try await site.broker.restart()
        #expect(await eventually(timeout: .seconds(15)) { [site.a, site.b].filter { $0.metric("haetae_edge_active") == 1 }.count == 1 })
        let result = try await site.finish("broker restart", disruptedAtMillis: restartedAtMillis)
        #expect(result["lost"] as? Int == 0)
        #expect((result["duplicated"] as? Int ?? -1) >= 0 && (result["duplicated"] as? Int ?? 0) < 2_000)
        await site.stop()
    }
}
