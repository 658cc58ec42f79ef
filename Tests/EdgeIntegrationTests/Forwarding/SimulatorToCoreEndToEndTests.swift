import Foundation
import TestSupport
import Testing

/// The whole data path with real processes: haetae-sim publishes the built-in `seoul` scenario
/// (every payload shape, malformed messages, device resends, reordering, clock skew, lost
/// messages, devices whose clock is off, dropped connections) to mosquitto, haetae-edge spools
/// and forwards it, the real haetae-core stores it and restarts in the middle, and
/// `haetae-sim --verify-core` checks every device's seqs and the core's device registry.
@Suite("Simulator → edge → core end to end (integration)", .serialized, .timeLimit(.minutes(4)))
struct SimulatorToCoreEndToEndTests {
    @Test("every reading the simulator sent is stored exactly once, across a core restart, and the report says so per device")
    func zeroLostZeroDuplicated() async throws {
        let broker = try await MosquittoBroker()
        let core = try RealCore()
        try await core.start()
        let edge = try ForwardTest.edge(broker: broker, urls: [core.url], token: core.token, batchAge: "500ms")
        try await edge.start()

        let sim = try BuiltProducts.executable("haetae-sim")
        let report = edge.directory.file("report.json")
        // Exits 1 when the core check fails; the report says why.
        let run = try ChildProcess(sim, [
            "run", "--scenario", "seoul", "--duration", "20s", "--broker", "mqtt://127.0.0.1:\(broker.port)", "--quiet",
            "--report", report, "--verify-core", core.url, "--verify-wait", "90s",
        ], outputDirectory: edge.directory.path)
        // The core goes away for a few seconds in the middle of the run.
        #expect(await eventually(timeout: .seconds(20)) { core.storedReadings() >= 2_000 })
        #expect(await core.stop() == 0, "\(core.output())")
        try await Task.sleep(for: .seconds(3))
        try await core.start()
        let status = await run.waitForExit(timeout: .seconds(180))

        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
        let result = try #require(json["core"] as? [String: Any], "the report has a core section")
        let sent = try #require(json["sent_total"] as? Int)
        print("simulator → edge → core: \(sent) readings sent; core section: sent \(result["sent"] ?? "?"), stored \(result["stored"] ?? "?"), lost \(result["lost"] ?? "?"), duplicated \(result["duplicated"] ?? "?"), publish→stored \(result["publish_to_stored_ms"] ?? "?")")
        #expect(status == 0, "\(run.output())")
        #expect(result["caught_up"] as? Bool == true)
        #expect(result["sent"] as? Int == sent)
        #expect(result["stored"] as? Int == sent)
        #expect(result["lost"] as? Int == 0)
        #expect(result["duplicated"] as? Int == 0)
        #expect(result["unexpected"] as? Int == 0)
        // Device resends are stored as sent (the edge does not drop a device's repeats).
        #expect((json["duplicates"] as? Int ?? 0) == result["injected_duplicates"] as? Int)
        let perDevice = try #require(result["per_device"] as? [String: [String: Int]])
        #expect(perDevice.count == (json["per_device"] as? [String: Any])?.count)
        for (device, counts) in perDevice {
            #expect(counts["lost"] == 0 && counts["duplicated"] == 0 && counts["stored"] == counts["sent"], "\(device): \(counts)")
            if counts["lost"] != 0 { try? FileManager.default.copyItem(atPath: report, toPath: "/tmp/haetae-e2e-report.json") }
        }
        // The core's device registry, kept across its restart, against the simulator's truth:
        // every device's messages never published (drops, malformed, silent) counted missing,
        // and the devices whose clock the scenario put off flagged, no other.
        let registry = try #require(json["registry"] as? [String: Any], "the report has a registry section")
        print("device registry: \(registry)")
        #expect(registry["listed"] as? Int == registry["devices"] as? Int)
        #expect(registry["seq_exact"] as? Int == registry["seq_compared"] as? Int, "\(registry["mismatches"] ?? "")")
        #expect((registry["unpublished"] as? Int ?? 0) > 0)
        #expect((registry["clock_off"] as? Int ?? 0) > 0)
        #expect(registry["clock_flagged"] as? Int == registry["clock_off"] as? Int)
        #expect((registry["false_clock_flags"] as? [String])?.isEmpty == true, "\(registry["false_clock_flags"] ?? "")")
        let latency = try #require(result["publish_to_stored_ms"] as? [String: Any])
        #expect((latency["count"] as? Int ?? 0) > 0)
        #expect(await edge.stop() == 0)
        #expect(await core.stop() == 0)
    }
}
