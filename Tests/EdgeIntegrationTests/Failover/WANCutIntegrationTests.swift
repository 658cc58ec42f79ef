import Foundation
import TestSupport
import Testing

/// The WAN between edge and core, stood in for by a TCP proxy with 20 ms ± 5 ms each way that
/// is cut for 60 s under load. Real mosquitto, haetae-edge (factory rules, webhooks to the
/// simulator), haetae-core behind the proxy, haetae-sim with alert and core verification.
@Suite("WAN cut (integration, long)", .serialized, .timeLimit(.minutes(5)))
struct WANCutIntegrationTests {
    static let rulesFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Deploy/rules/factory.yaml").path

    @Test("with the link cut for 60 s, hazards still alert and stop commands go out; afterwards the backlog drains fast and nothing is lost or stored twice")
    func sixtySecondCut() async throws {
        let broker = try await MosquittoBroker()
        let core = try RealCore()
        try await core.start()
        let wan = try await WANProxyProcess(targetPort: core.port, latency: .milliseconds(20), jitter: .milliseconds(5))
        let hookPort = FreePort.allocate()
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let edge = try EdgeProcess(
            brokerPort: broker.port, spool: "batch_max_readings: 5000\nbatch_max_age: 500ms",
            rules: try String(contentsOfFile: Self.rulesFile, encoding: .utf8),
            webhooks: [.init(url: "http://127.0.0.1:\(hookPort)/hooks", secret: secret, settings: ["timeout: 2s"])],
            extra: "forward: {urls: [\"\(wan.url)\"], token_file: edge.token, timeout: 2s}")
        try (core.token + "\n").write(toFile: edge.directory.file("edge.token"), atomically: true, encoding: .utf8)
        try await edge.start()

        let liveRate = 2_000.0
        let sim = try SimulatorRun(broker: broker.port, directory: edge.directory, [
            "--scenario", "seoul", "--duration", "80s", "--rate", "\(Int(liveRate))", "--qos", "1",
            "--webhook-listen", "127.0.0.1:\(hookPort)", "--webhook-secret", secret, "--alert-wait", "20s",
            "--verify-core", core.url, "--verify-wait", "90s",
        ])
        // Cut before press-03 overheats (+5 s), so its alert and stop command happen during the cut.
        try await Task.sleep(for: .seconds(3))
        let cutAt = wallMillis()
        try await wan.cut()
        try await Task.sleep(for: .seconds(60))
        let backlogAtRestore = edge.metric("haetae_forward_backlog_readings") ?? 0
        let sentAtRestore = edge.metric("haetae_forward_readings_sent_total") ?? 0
        let restoredAt = wallMillis()
        try await wan.restore()

        // Drain: from the first batch acknowledged after the restore until the backlog is back
        // under 2 s of live readings.
        var drainStart: Int64?
        var drainEnd: Int64?
        var sentAtEnd = sentAtRestore
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let sent = edge.metric("haetae_forward_readings_sent_total") ?? 0
            let backlog = edge.metric("haetae_forward_backlog_readings") ?? .infinity
            if drainStart == nil, sent > sentAtRestore { drainStart = wallMillis() }
            if let start = drainStart, backlog < 2 * liveRate, wallMillis() - start > 1_000 {
                drainEnd = wallMillis()
                sentAtEnd = sent
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let status = await sim.finish(timeout: .seconds(180))
        let report = try sim.report()
        let alerts = try #require(report["alerts"] as? [String: Any])
        let result = try sim.core()

        let start = try #require(drainStart, "the edge never forwarded after the restore")
        let end = try #require(drainEnd, "the backlog did not drain within 60 s")
        let drainRate = (sentAtEnd - sentAtRestore) / (Double(end - start) / 1_000)
        let fired = alerts["fired"] as? [[String: Any]] ?? []
        let duringCut = fired.filter {
            let started = ($0["started_at_ms"] as? NSNumber)?.int64Value ?? 0
            return started >= cutAt && started < restoredAt
        }.compactMap { ($0["webhook_ms"] as? NSNumber)?.doubleValue }.sorted()
        let p99 = duringCut.isEmpty ? nil : duringCut[min(duringCut.count - 1, Int((0.99 * Double(duringCut.count)).rounded(.up)) - 1)]
        print("WAN cut 60 s at \(Int(liveRate)) readings/s: backlog \(Int(backlogAtRestore)) at the restore; drain \(Int(drainRate)) readings/s = \(String(format: "%.1f", drainRate / liveRate))x live (resumed \(start - restoredAt) ms after the restore); \(duringCut.count) alerts during the cut, p99 \(p99.map { "\($0) ms" } ?? "-"); stop commands \(alerts["stop_commands"] ?? "?"); core: \(result["stored"] ?? "?")/\(result["sent"] ?? "?"), lost \(result["lost"] ?? "?"), duplicated \(result["duplicated"] ?? "?")")

        #expect(status == 0, "\(sim.process.output())")
        #expect(alerts["recall"] as? Double == 1, "missed: \(alerts["missed"] ?? "")")
        #expect(duringCut.count >= 2, "hazards alerted during the cut")
        // The bar (p99 ≤ 10 ms) is for release builds (README "Performance"); here, in a debug build
        // next to the rest of the suite, this only shows the cut does not hold alerts back.
        #expect((p99 ?? .infinity) < 100, "alerts during the cut: \(duringCut)")
        #expect((alerts["stop_commands"] as? Int ?? 0) >= 1, "press-03's stop command went out during the cut")
        #expect(backlogAtRestore > liveRate * 30, "the cut held readings back")
        #expect(drainRate >= 5 * liveRate)
        #expect(result["lost"] as? Int == 0)
        #expect(result["duplicated"] as? Int == 0)
        #expect(result["stored"] as? Int == result["sent"] as? Int)
        #expect(await edge.stop() == 0)
        #expect(await core.stop() == 0)
        await wan.stop()
    }
}
