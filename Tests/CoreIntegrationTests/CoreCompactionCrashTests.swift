import Foundation
import Readings
import TestSupport
import Testing

/// Compaction is one transaction: a core killed -9 at any moment, compacting or not, loses no
/// stored reading and stores none twice.
@Suite("Core compaction under kill -9 (integration, long)", .serialized, .timeLimit(.minutes(5)))
struct CoreCompactionCrashTests {
    static let devices = 100
    static let sensors = ["temperature", "vibration", "pressure", "current"]
    static let start: Int64 = 1_795_000_000_000

    /// Batch `n` (1-based): every series gets 10 readings, each with its own device seq.
    static func batch(_ n: Int) -> Batch {
        var batch = Batch(edge: "seoul-a", seq: Int64(n))
        for d in 0..<devices {
            for (k, sensor) in sensors.enumerated() {
                batch.series.append(Series(site: "seoul", line: "line-\(d % 4)", device: "press-\(d)", sensor: sensor, unit: ""))
                let sid = UInt32(d * sensors.count + k)
                for r in 0..<10 {
                    let i = (n - 1) * 10 + r
                    batch.sid.append(sid)
                    batch.ts.append(start + Int64(i) * 1_000 + Int64(d))
                    batch.value.append(Double((i * 7 + d) % 1_000) / 10)
                    batch.deviceSeq.append(Int64(i))
                }
            }
        }
        return batch
    }

    @Test("kill -9 during compaction, six times over: every reading stored exactly once", arguments: ["sqlite", "postgres"])
    func killDuringCompaction(backend: String) async throws {
        // PostgreSQL keeps running while the core dies; it drops the dead core's session (and
        // its writer lock) when the socket closes, so the restarted core takes over.
        let postgres = backend == "postgres" ? try await PostgresServer() : nil
        let core = try CoreProcess(
            backend: postgres.map { "backend: postgres\nurl: \"\($0.url)\"" } ?? "backend: sqlite\npath: core.db",
            storage: "compaction: {at_readings: 8000, after: 100ms, round_readings: 16000}")
        defer { core.directory.remove() }
        let perRound = 8
        var posted = 0
        var compactingAtKill = 0
        for round in 0..<6 {
            try await core.start()
            if posted > 0 {
                // Answered 200 before the kill, so the key is stored: a repeat is a duplicate.
                let again = try #require(try core.post(Self.batch(posted)))
                #expect(again.status == 200 && again.body.contains("duplicate"), "\(again.body)")
            }
            for _ in 0..<perRound {
                posted += 1
                let response = try #require(try core.post(Self.batch(posted)))
                #expect(response.status == 200, "\(response.body)")
            }
            // Kill at a different point of the background compaction each round.
            try await Task.sleep(for: .milliseconds(60 + 70 * round))
            if let head = Self.headReadings(core), head > 0 { compactingAtKill += 1 }
            await core.kill()
        }
        try await core.start()
        let total = posted * Self.devices * Self.sensors.count * 10
        let drained = await eventually(timeout: .seconds(60), poll: .milliseconds(100)) { Self.headReadings(core) == 0 }
        #expect(drained, "the head was not compacted after the last restart")
        print("compaction crash test (\(backend)): \(posted) batches, \(total) readings; \(compactingAtKill) of 6 kills hit a non-empty head")

        let listing = try #require(try core.json("/api/v1/series?site=seoul")["series"] as? [[String: Any]])
        #expect(listing.count == Self.devices * Self.sensors.count)
        var stored = 0
        for entry in listing {
            let id = try #require(entry["id"] as? Int)
            let delivery = try core.json("/api/v1/delivery?series=\(id)&from=\(Self.start)&to=\(Self.start + 10_000_000)")
            let seqs = try #require(delivery["seq"] as? [Int])
            stored += seqs.count
            #expect(seqs == Array(0..<(posted * 10)), "series \(id): \(seqs.count) readings")
        }
        #expect(stored == total)
        #expect(Self.metric(core, "haetae_core_store_readings") == Double(total))
        await core.stop()
        await postgres?.stop()
    }

    static func headReadings(_ core: CoreProcess) -> Double? {
        metric(core, "haetae_core_store_head_readings")
    }

    static func metric(_ core: CoreProcess, _ name: String) -> Double? {
        guard let body = core.get("/metrics")?.body else { return nil }
        for line in body.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.split(separator: " ").last.map(String.init) ?? "")
        }
        return nil
    }
}
