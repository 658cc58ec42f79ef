import Foundation
import Readings
import Spool
import TestSupport
import Testing

/// The core and the broker die under simulator load; the simulator then checks every reading
/// at the core (`--verify-core`). Real mosquitto, real haetae-edge, real haetae-core.
@Suite("Failover under load (integration, long)", .serialized, .timeLimit(.minutes(5)))
struct FailoverIntegrationTests {
    /// A broker, a core, an edge forwarding to it, and `seoul` at 3,000 readings/s for 20 s at
    /// QoS 1, checked at the core; returns once the core holds 10,000 readings.
    static func underLoad() async throws -> (MosquittoBroker, RealCore, EdgeProcess, SimulatorRun) {
        let broker = try await MosquittoBroker()
        let core = try RealCore()
        try await core.start()
        let edge = try ForwardTest.edge(broker: broker, urls: [core.url], token: core.token, batchAge: "300ms")
        try await edge.start()
        let sim = try SimulatorRun(broker: broker.port, directory: edge.directory, [
            "--scenario", "seoul", "--duration", "20s", "--rate", "3000", "--qos", "1", "--verify-core", core.url, "--verify-wait", "90s",
        ])
        #expect(await eventually(timeout: .seconds(20)) { core.storedReadings() >= 10_000 })
        return (broker, core, edge, sim)
    }

    @Test("the core killed (-9) and restarted under load: nothing lost, nothing duplicated")
    func coreKilledUnderLoad() async throws {
        let (broker, core, edge, sim) = try await Self.underLoad()
        defer { withExtendedLifetime(broker) {} }  // the broker stops when it goes away
        core.child?.kill()  // no graceful stop: whatever the store had not committed is gone
        _ = await core.child?.waitForExit(timeout: .seconds(10))
        try await Task.sleep(for: .seconds(2))
        try await core.start()
        let status = await sim.finish(timeout: .seconds(150))

        let result = try sim.core()
        print("core kill -9 under load: \(result["stored"] ?? "?")/\(result["sent"] ?? "?") stored, lost \(result["lost"] ?? "?"), duplicated \(result["duplicated"] ?? "?"); core answered duplicate to \(Int(core.metric("haetae_core_batches_total", labels: #"result="duplicate""#) ?? 0)) resent batches")
        #expect(status == 0, "\(sim.process.output())")
        #expect(result["lost"] as? Int == 0)
        #expect(result["duplicated"] as? Int == 0)
        #expect(result["stored"] as? Int == result["sent"] as? Int)
        #expect(await edge.stop() == 0)
        #expect(await core.stop() == 0)
    }

    @Test("the broker restarted under QoS 1 load: nothing lost (QoS 1 redelivery may repeat a reading; counted)")
    func brokerRestartedUnderLoad() async throws {
        let (broker, core, edge, sim) = try await Self.underLoad()
        try await broker.restart()  // SIGTERM (it saves its sessions and queues), then the same port
        let status = await sim.finish(timeout: .seconds(150))

        let result = try sim.core()
        let duplicated = result["duplicated"] as? Int ?? -1
        print("broker restart under QoS 1 load: \(result["stored"] ?? "?")/\(result["sent"] ?? "?") stored, lost \(result["lost"] ?? "?"), duplicated \(duplicated) (QoS 1 redeliveries)")
        #expect(result["lost"] as? Int == 0, "\(sim.process.output())")
        #expect(result["unexpected"] as? Int == 0)
        // At least once between device, broker and edge: a publish whose PUBACK the restart cut
        // off is sent again. The edge stores what it is given; the simulator counts it.
        #expect(duplicated >= 0 && duplicated < 2_000)
        #expect(status == 0 || duplicated > 0, "\(sim.process.output())")
        #expect(await edge.stop() == 0)
        #expect(await core.stop() == 0)
    }

    @Test("the edge's spool deleted and the edge restarted under load: the new spool's batches are stored, not taken for duplicates; only what the deleted spool held is lost")
    func spoolDeletedUnderLoad() async throws {
        let (broker, core, edge, sim) = try await Self.underLoad()
        defer { withExtendedLifetime(broker) {} }
        let stopAt = wallMillis()
        #expect(await edge.stop() == 0)
        let stoppedAt = wallMillis()
        // What the operator throws away: readings the old spool had not forwarded yet. The
        // simulator injects duplicate messages (`faults.duplicates`), sent back to back, and its
        // ledger expects every copy at the core. So each copy in the spool is a reading lost
        // (`discardedCopies`, the most that can be lost), unless it also reached the core: a
        // batch stored but not yet deleted at the stop, or a message the broker redelivers after
        // the restart because its PUBACK did not get out. Counted distinct by (series, seq)
        // (`discarded`), less the readings of the injected duplicates, is the least.
        var discardedKeys = Set<DiscardedReading>()
        var discardedCopies = 0
        var readingsPerMessage: [DiscardedReading: Int] = [:]
        try SpoolReader(path: edge.spoolPath).forEachReading { reading in
            discardedCopies += 1
            discardedKeys.insert(DiscardedReading(series: reading.series, deviceSeq: reading.deviceSeq))
            let message = DiscardedReading(series: Series(site: reading.series.site, line: reading.series.line, device: reading.series.device, sensor: ""), deviceSeq: reading.deviceSeq)
            readingsPerMessage[message, default: 0] += 1
        }
        let discarded = discardedKeys.count
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: edge.spoolPath + suffix) }
        // The broker kept the session's messages meanwhile; the new spool numbers batches from 1 again.
        try await edge.start()
        let restartedAt = wallMillis()
        let status = await sim.finish(timeout: .seconds(150))

        let result = try sim.core()
        print("spool deleted under load: \(result["stored"] ?? "?")/\(result["sent"] ?? "?") stored, lost \(result["lost"] ?? "?") (the deleted spool held \(discarded) distinct unsent readings, \(discardedCopies) copies), duplicated \(result["duplicated"] ?? "?"); core answered duplicate to \(Int(core.metric("haetae_core_batches_total", labels: #"result="duplicate""#) ?? 0)) batches")
        let lost = result["lost"] as? Int ?? -1
        let injectedDuplicates = try sim.report()["duplicates"] as? Int ?? 0
        let margin = injectedDuplicates * (readingsPerMessage.values.max() ?? 0)
        let lostSpan = [result["lost_published_first_ms"], result["lost_published_last_ms"]].map { ($0 as? Int).map { $0 - Int(stopAt) } }
        let detail = """
            lost \(lost), discarded \(discarded) distinct, \(discardedCopies) copies, margin \(margin); lost published \(lostSpan) ms from the stop \
            (stopped after \(stoppedAt - stopAt) ms, ready again \(restartedAt - stopAt) ms): \(sim.process.output())
            """
        #expect(lost >= discarded - margin, "\(detail)")
        #expect(lost <= discardedCopies, "\(detail)")
        #expect(result["duplicated"] as? Int == 0)
        #expect(core.metric("haetae_core_batches_total", labels: #"result="duplicate""#) ?? 0 == 0)
        #expect(status == 0 || discarded > 0, "\(sim.process.output())")
        #expect(await edge.stop() == 0)
        #expect(await core.stop() == 0)
    }
}

/// A reading of the deleted spool, by what the simulator's ledger counts: series and device seq.
private struct DiscardedReading: Hashable {
    var series: Series
    var deviceSeq: Int64
}
