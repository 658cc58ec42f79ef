import Foundation
import TestSupport
import Testing

/// A real full disk: the spool and `alerts.db` on an 8 MiB tmpfs, filled while the `seoul`
/// scenario runs. Needs root (mount); CI and these machines run tests as root.
@Suite("Spool storage faults (integration, long)", .serialized, .timeLimit(.minutes(4)), .enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
struct SpoolStorageFaultIntegrationTests {
    /// An 8 MiB tmpfs mounted on a fresh directory, unmounted by ``unmount()``.
    final class SmallDisk: @unchecked Sendable {  // used from one test at a time
        let directory: TemporaryDirectory
        var path: String { directory.path }

        init() throws {
            directory = try TemporaryDirectory(prefix: "haetae-tmpfs")
            let mount = Process()
            mount.executableURL = URL(fileURLWithPath: "/bin/mount")
            mount.arguments = ["-t", "tmpfs", "-o", "size=8m", "tmpfs", directory.path]
            try mount.run()
            mount.waitUntilExit()
            guard mount.terminationStatus == 0 else { throw TestSupportError("mount -t tmpfs failed (\(mount.terminationStatus))") }
        }

        var freeBytes: Int64 {
            var stats = statvfs()
            guard statvfs(path, &stats) == 0 else { return -1 }
            return Int64(stats.f_bavail) * Int64(stats.f_frsize)
        }

        /// Writes `filler` until at most `leaving` bytes are free.
        func fill(leaving: Int64) throws {
            let file = path + "/filler"
            _ = FileManager.default.createFile(atPath: file, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
            defer { try? handle.close() }
            let chunk = Data(count: 64 * 1_024)
            while freeBytes > leaving + Int64(chunk.count) { try handle.write(contentsOf: chunk) }
        }

        func freeFiller() { try? FileManager.default.removeItem(atPath: path + "/filler") }

        func unmount() {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = ["-l", path]
            try? umount.run()
            umount.waitUntilExit()
            directory.remove()
        }
    }

    @Test("the spool's disk fills under load: hazards still alert and stop the device, dropped readings are counted exactly, the edge says why and resumes by itself")
    func fullDiskUnderLoad() async throws {
        let disk = try SmallDisk()
        defer { disk.unmount() }
        let broker = try await MosquittoBroker()
        let hookPort = FreePort.allocate()
        let secret = AlertTest.secret
        let edge = try AlertTest.factoryEdge(
            broker: broker, hookPort: hookPort, spool: "batch_max_readings: 1000", spoolFile: disk.path + "/spool.db",
            config: "alerts: {path: \(disk.path)/alerts.db, reserve: 1MiB}")
        try await edge.start(environment: ["SIM_WEBHOOK_SECRET": secret])
        // Leave the spool about 1 MiB: a few seconds of the scenario's readings.
        try disk.fill(leaving: 1 << 20)

        let sim = try SimulatorRun(broker: broker.port, directory: edge.directory, [
            "--scenario", "seoul", "--duration", "40s", "--qos", "1", "--webhook-listen", "127.0.0.1:\(hookPort)", "--webhook-secret", secret,
            "--alert-wait", "20s",
        ])
        #expect(await eventually(timeout: .seconds(40)) { (edge.metric("haetae_spool_dropped_total", labels: #"reason="storage""#) ?? 0) > 0 },
                "the disk never filled: \(edge.output().suffix(2_000))")
        let ready = HTTPGet.fetch(port: edge.httpPort, path: "/readyz")
        #expect(ready?.status == 503 && ready?.body.contains("spool not writable") == true, "\(ready?.body ?? "")")
        let health = HTTPGet.fetch(port: edge.httpPort, path: "/healthz")
        #expect(health?.status == 200 && health?.body.hasPrefix("degraded") == true, "\(health?.body ?? "")")
        // The receive thread keeps reading while the disk is full.
        let received = edge.metric("haetae_messages_received_total") ?? 0
        #expect(await eventually(timeout: .seconds(10)) { (edge.metric("haetae_messages_received_total") ?? 0) > received + 1_000 })
        try await Task.sleep(for: .seconds(12))
        let droppedWhileFull = edge.metric("haetae_spool_dropped_total", labels: #"reason="storage""#) ?? 0

        // Room again: ingest resumes by itself.
        disk.freeFiller()
        #expect(await eventually(timeout: .seconds(15)) { HTTPGet.fetch(port: edge.httpPort, path: "/readyz")?.status == 200 }, "\(edge.output().suffix(2_000))")
        let status = await sim.finish(timeout: .seconds(150))
        #expect(status == 0, "\(sim.process.output())")

        let report = try sim.report()
        let alerts = try #require(report["alerts"] as? [String: Any], "the report has an alerts section")
        #expect(alerts["recall"] as? Double == 1, "missed: \(alerts["missed"] ?? "")")
        #expect((alerts["false_alerts"] as? [Any])?.isEmpty == true, "false alerts: \(alerts["false_alerts"] ?? "")")
        #expect(alerts["stop_commands"] as? Int == 1)
        #expect(alerts["system_alerts"] as? [String] == ["edge:spool-storage firing", "edge:spool-storage resolved"])
        let latency = alerts["publish_to_webhook_ms"] as? [String: Any]

        // Every reading the edge accepted is in the spool or counted as dropped for storage.
        #expect(await eventually { (try? edge.spoolStats()?.openReadings) != nil })
        let accepted = try #require(edge.metric("haetae_readings_accepted_total"))
        let dropped = try #require(edge.metric("haetae_spool_dropped_total", labels: #"reason="storage""#))
        let messages = edge.metric("haetae_messages_received_total") ?? 0
        let stopped = await edge.stop()
        #expect(stopped == 0, "\(edge.output().suffix(3_000))")
        let stored = try #require(try edge.spoolStats()).readings
        print("full spool disk under load: \(Int(accepted)) readings accepted, \(stored) stored, \(Int(dropped)) dropped and counted (\(Int(droppedWhileFull)) after 12 s full); sim acknowledged \(report["acknowledged"] ?? "?") messages, edge received \(Int(messages)); alerts: recall \(alerts["recall"] ?? "?"), stop commands \(alerts["stop_commands"] ?? "?"), publish→webhook \(latency ?? [:])")
        #expect(dropped > 0)
        #expect(Int64(accepted) == stored + Int64(dropped))
        #expect(report["acknowledged"] as? Int == Int(messages))
    }
}
