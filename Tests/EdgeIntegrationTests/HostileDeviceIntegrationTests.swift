import Foundation
import TestSupport
import Testing

/// A hostile device (Deploy/local/hostile-device) on the site broker beside the normal `seoul`
/// load: the edge must not crash, must stay within memory, must still raise every injected
/// hazard, and a real device must still be able to add a sensor.
@Suite("Hostile device beside normal load (integration, long)", .serialized, .timeLimit(.minutes(4)))
struct HostileDeviceIntegrationTests {
    /// Peak resident memory of a process, sampled from /proc.
    final class RSSSampler: @unchecked Sendable {  // `peak` is only touched by the sampling task, read after it ends
        private(set) var peakKiB = 0
        func sample(pid: Int32) {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
                let kib = Int(line.split(separator: " ").dropFirst().first ?? "")
            else { return }
            peakKiB = max(peakKiB, kib)
        }
    }

    @Test("a device sending long and odd names, 10,000-key objects, new series at 5,000/s and impossible time stamps: no crash, memory bounded, every hazard alerts (a real silence too, amid its series' silent flood), a real device can still add a sensor")
    func hostileBesideNormalLoad() async throws {
        let broker = try await MosquittoBroker()
        let hookPort = FreePort.allocate()
        let secret = AlertTest.secret
        let edge = try AlertTest.factoryEdge(broker: broker, hookPort: hookPort, config: "ingest: {series_warmup: 10s}")
        try await edge.start(environment: ["SIM_WEBHOOK_SECRET": secret])
        let pid = try #require(edge.child?.processIdentifier)
        let sampler = RSSSampler()
        let sampling = Task {
            while !Task.isCancelled {
                sampler.sample(pid: pid)
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        sampler.sample(pid: pid)
        let idleKiB = sampler.peakKiB

        let sim = try SimulatorRun(broker: broker.port, directory: edge.directory, [
            "--scenario", "seoul", "--qos", "1", "--webhook-listen", "127.0.0.1:\(hookPort)", "--webhook-secret", secret,
            "--alert-wait", "20s",
        ])
        // From 5 s to 30 s, so its one-shot series fall silent from 35 s on and `silent` floods
        // while press-07 (silent from 10 s) raises its real `silent` at about 40 s: the flood of
        // newcomers must not swallow it. The first 5 s are in the edge's warm-up, uncapped.
        try await Task.sleep(for: .seconds(5))
        let hostile = try ChildProcess(
            "python3", [AlertTest.repositoryFile("Deploy/local/hostile-device"), "--port", "\(broker.port)", "--duration", "25", "--rate", "5000"],
            outputDirectory: edge.directory.path)
        // Meanwhile, after the warm-up, a real device gets a new sensor.
        try await Task.sleep(for: .seconds(10))
        for attempt in 0..<3 {
            try await AlertTest.publish(broker, device: "press-01", sensor: "oil_temp", value: 40 + Double(attempt))
            try await Task.sleep(for: .seconds(1))
        }
        #expect(await hostile.waitForExit(timeout: .seconds(60)) == 0, "\(hostile.output())")
        let status = await sim.finish(timeout: .seconds(150))
        sampling.cancel()
        _ = await sampling.value
        #expect(edge.child?.isRunning == true, "the edge died: \(edge.output().suffix(3_000))")
        #expect(status == 0, "\(sim.process.output())")

        let report = try sim.report()
        let alerts = try #require(report["alerts"] as? [String: Any])
        #expect(alerts["recall"] as? Double == 1, "missed: \(alerts["missed"] ?? "")")
        // Alerts the normal load did not cause can only be the hostile device's own series
        // falling silent after it stopped (and the flood alert that aggregates them).
        let falseAlerts = alerts["false_alerts"] as? [[String: Any]] ?? []
        let unexplained = falseAlerts.filter { !(($0["where"] as? String)?.contains("/line-h/") == true || $0["where"] as? String == "seoul//") }
        #expect(unexplained.isEmpty, "\(unexplained.prefix(10))")
        let latency = alerts["publish_to_webhook_ms"] as? [String: Any]

        let metrics = edge.metrics()
        func rejected(_ reason: String) -> Int { Int(HTTPGet.metric("haetae_messages_rejected_total", labels: "reason=\"\(reason)\"", in: metrics) ?? 0) }
        let reasons = ["bad_name", "bad_json", "non_finite", "bad_timestamp", "series_rate", "device_series_limit", "too_large", "series_limit", "topic_shape"]
        let received = Int(HTTPGet.metric("haetae_messages_received_total", in: metrics) ?? 0)
        let series = Int(HTTPGet.metric("haetae_series", in: metrics) ?? 0)
        let suppressed = Int(HTTPGet.metric("haetae_alerts_suppressed_total", in: metrics) ?? 0)
        #expect(await edge.stop() == 0)
        let readings = try edge.spooledReadings()
        let oilTemp = readings.filter { $0.series.device == "press-01" && $0.series.sensor == "oil_temp" }
        #expect(!oilTemp.isEmpty, "the real device's new sensor was refused")
        #expect(readings.allSatisfy { $0.ts >= 0 && $0.ts < 253_402_300_800_000 && $0.value.isFinite })
        print("hostile device beside seoul load: \(hostile.output().split(separator: "\n").last ?? ""); edge RSS peak \(sampler.peakKiB / 1024) MiB (idle \(idleKiB / 1024) MiB), \(received) messages received, \(series) series held; rejected \(reasons.map { "\($0) \(rejected($0))" }.joined(separator: ", ")); recall \(alerts["recall"] ?? "?"), publish→webhook \(latency ?? [:]); new real sensor accepted \(oilTemp.count)/3; alert notifications suppressed \(suppressed)")
        #expect(sampler.peakKiB < 400 * 1024, "edge RSS peaked at \(sampler.peakKiB / 1024) MiB")
        #expect(suppressed > 1_000, "the hostile series' silence did not flood, so the test proved nothing about the flood gate")
        #expect(rejected("bad_name") > 0 && rejected("bad_timestamp") > 0 && rejected("series_rate") > 0 && rejected("device_series_limit") > 0)
    }
}
