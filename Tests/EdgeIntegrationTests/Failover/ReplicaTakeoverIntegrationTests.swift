import Foundation
import TestSupport
import Testing

/// Two edge replicas of one site on an MQTT 5 shared subscription (clean sessions, as in
/// `Deploy/k8s`), under simulator load; one is killed with `kill -9`. Real mosquitto, two real
/// haetae-edge processes with their own spools and edge ids, a real haetae-core, haetae-sim
/// checking every reading at the core (`--verify-core`).
@Suite("Replica takeover (integration, long)", .serialized, .timeLimit(.minutes(5)))
struct ReplicaTakeoverIntegrationTests {
    static let rate = 3_000

    @Test("one of two replicas killed (-9) under load: the other takes the whole stream within seconds, the killed one forwards its spool after the restart, and the only readings lost are the killed one's commit window at the kill")
    func killOneReplica() async throws {
        let broker = try await MosquittoBroker()
        let core = try RealCore(edgeID: "seoul-0", also: ["seoul-1"])
        try await core.start()
        let killed = try Self.replica("seoul-0", broker: broker, core: core)
        let survivor = try Self.replica("seoul-1", broker: broker, core: core)
        try await killed.edge.start(environment: killed.environment)
        try await survivor.edge.start(environment: survivor.environment)

        let sim = try SimulatorRun(broker: broker.port, directory: survivor.edge.directory, [
            "--scenario", "seoul", "--duration", "30s", "--rate", "\(Self.rate)", "--qos", "1",
            "--verify-core", core.url, "--verify-wait", "90s",
        ])
        #expect(await eventually(timeout: .seconds(20)) { core.storedReadings() >= 10_000 })

        // Both replicas carry a share of the stream before the kill.
        let before = (killed.edge.received, survivor.edge.received)
        let sampledFrom = ContinuousClock.now
        try await Task.sleep(for: .seconds(2))
        let seconds = Self.seconds(since: sampledFrom)
        let killedShare = (killed.edge.received - before.0) / seconds
        let survivorShare = (survivor.edge.received - before.1) / seconds
        let fullRate = killedShare + survivorShare

        // The core stops answering, so both replicas hold a backlog when one of them dies.
        core.freeze(true)
        try await Task.sleep(for: .seconds(2))
        let heldAtKill = killed.edge.metric("haetae_forward_backlog_readings") ?? 0
        let killedAtMillis = wallMillis()
        let killedAt = ContinuousClock.now
        await killed.edge.kill()

        // Takeover: the first moment (polled every 25 ms, from 100 ms after the kill on) at which
        // the survivor has taken, since the kill, at least 80% of what the whole stream brings.
        var takeover: Duration?
        let atKill = survivor.edge.received
        while takeover == nil, ContinuousClock.now - killedAt < .seconds(10) {
            try await Task.sleep(for: .milliseconds(25))
            let elapsed = ContinuousClock.now - killedAt
            guard elapsed >= .milliseconds(100) else { continue }
            if (survivor.edge.received - atKill) / Self.seconds(elapsed) >= 0.8 * fullRate { takeover = elapsed }
        }
        core.freeze(false)

        // The killed replica comes back on its own spool and forwards what it held.
        try await Task.sleep(for: .seconds(3))
        try await killed.edge.start(environment: killed.environment)
        let status = await sim.finish(timeout: .seconds(150))
        // Once everything is at the core, the restarted replica has sent what it took since the
        // restart and, on top, what its spool held from before the kill.
        let drained = await eventually(timeout: .seconds(30)) { killed.edge.metric("haetae_forward_backlog_readings") == 0 }
        let sentSinceRestart = killed.edge.metric("haetae_forward_readings_sent_total") ?? 0
        let takenSinceRestart = killed.edge.received
        let forwardedAfterRestart = drained && sentSinceRestart >= takenSinceRestart + heldAtKill
        let result = try sim.core()
        let lost = result["lost"] as? Int ?? -1
        let lostFrom = (result["lost_published_first_ms"] as? NSNumber)?.int64Value
        let lostTo = (result["lost_published_last_ms"] as? NSNumber)?.int64Value
        // The documented window (README "Failure behaviour"): what the killed replica had taken
        // from the broker but not committed, one commit_interval (50 ms) of its share, plus
        // what was still in flight to it, and hand-offs still queued if its spool writer was
        // behind (debug builds on a busy 2-core machine). Allowed here: 500 ms of its share.
        let window = Int(killedShare * 0.5)
        print("""
            replica kill -9 under \(Self.rate) readings/s (\(Int(fullRate)) accepted/s, \(Int(killedShare)) by the killed replica): \
            survivor at the full rate \(takeover.map { "\(Int(Self.seconds($0) * 1_000)) ms" } ?? "never") after the kill; \
            killed replica held \(Int(heldAtKill)) readings; after its restart it took \(Int(takenSinceRestart)) and sent \(Int(sentSinceRestart)); \
            core: \(result["stored"] ?? "?")/\(result["sent"] ?? "?") stored, lost \(lost) (window allowed \(window)), \
            published \(lostFrom.map { "\($0 - killedAtMillis)" } ?? "-")…\(lostTo.map { "\($0 - killedAtMillis)" } ?? "-") ms from the kill, \
            duplicated \(result["duplicated"] ?? "?")
            """)

        #expect(killedShare > 0.3 * fullRate && survivorShare > 0.3 * fullRate, "the broker split the stream between the replicas")
        #expect(takeover != nil && takeover! < .seconds(5), "the survivor took the whole stream")
        #expect(heldAtKill > 0, "the killed replica held a backlog")
        #expect(forwardedAfterRestart, "the restarted replica forwarded what it held")
        #expect(status == 0 || lost > 0, "\(sim.process.output())")
        #expect(lost >= 0 && lost <= window)
        if let lostFrom, let lostTo {
            // Lost readings all come from the moments before the kill, none from anywhere else.
            #expect(lostFrom >= killedAtMillis - 1_000 && lostTo <= killedAtMillis + 500, "lost \(lostFrom - killedAtMillis)…\(lostTo - killedAtMillis) ms from the kill")
        }
        #expect(result["duplicated"] as? Int == 0)
        #expect(result["unexpected"] as? Int == 0)
        #expect(await killed.edge.stop() == 0)
        #expect(await survivor.edge.stop() == 0)
        #expect(await core.stop() == 0)
        withExtendedLifetime(broker) {}
    }

    /// One replica: the site's shared subscription with a clean session, its own spool and token.
    static func replica(_ id: String, broker: MosquittoBroker, core: RealCore) throws -> (edge: EdgeProcess, environment: [String: String]) {
        let edge = try EdgeProcess(
            brokerPort: broker.port, clientID: "haetae-\(id)", topics: ["$share/haetae/factory/#"], mqtt: "clean_session: true",
            spool: "batch_max_readings: 1000\nbatch_max_age: 300ms",
            extra: "forward: {urls: [\"\(core.url)\"], token_file: edge.token, timeout: 2s, backoff: {initial: 50ms, max: 1s}}")
        try (core.token(for: id) + "\n").write(toFile: edge.directory.file("edge.token"), atomically: true, encoding: .utf8)
        return (edge, ["HAETAE_EDGE_ID": id])
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double { seconds(ContinuousClock.now - start) }
    static func seconds(_ duration: Duration) -> Double { Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }
}

extension EdgeProcess {
    /// Readings the edge has taken from the broker so far.
    var received: Double { metric("haetae_readings_accepted_total") ?? 0 }
}
