import Foundation
import TestSupport
import Testing

@Suite("Full spool (integration)", .serialized, .timeLimit(.minutes(3)))
struct SpoolFullIntegrationTests {
    static let total = 60_000

    /// An edge with a 1 MiB spool and `total` readings published at QoS 1: more than fits.
    static func overfill(onFull: String) async throws -> (MosquittoBroker, EdgeProcess) {
        let broker = try await MosquittoBroker()
        let edge = try EdgeProcess(brokerPort: broker.port, spool: "max_bytes: 1MiB\non_full: \(onFull)\nbatch_max_readings: 1000")
        try await edge.start()
        try await Publisher.publishBulk(
            port: broker.port, count: total, qos: 1,
            topics: (1...8).map { "factory/seoul/line1/press-0\($0)/temperature" })
        return (broker, edge)
    }

    @Test("on_full: block pauses ingest, the broker holds the rest, SIGTERM still exits 0, and a bigger spool takes it all")
    func blockLetsTheBrokerHoldTheData() async throws {
        let (broker, edge) = try await Self.overfill(onFull: "block")
        _ = broker

        #expect(await eventually(timeout: .seconds(30)) { edge.metric("haetae_spool_full") == 1 })
        #expect(HTTPGet.fetch(port: edge.httpPort, path: "/readyz")?.status == 503)
        #expect(HTTPGet.fetch(port: edge.httpPort, path: "/readyz")?.body.contains("spool full") == true)
        let held = try #require(try edge.spoolStats()).readings
        #expect(held < Int64(Self.total))
        #expect(await edge.stop(timeout: .seconds(15)) == 0, "SIGTERM must not hang while ingest is paused: \(edge.output())")
        #expect(try edge.spoolStats()?.droppedReadings == 0)

        // More room: the broker delivers everything it held for the session.
        try await edge.start(environment: ["HAETAE_SPOOL_MAX_BYTES": "64MiB"])
        #expect(await eventually(timeout: .seconds(30)) { (try? edge.spoolStats()?.readings ?? 0) ?? 0 >= Int64(Self.total) })
        #expect(await edge.stop() == 0)
        let accounting = SeqAccounting(expected: Self.total, seqs: try edge.spooledReadings().map(\.deviceSeq))
        print("on_full: block: \(held) readings held when full; after more room \(accounting)")
        #expect(accounting.missing == 0, "\(accounting)")
    }

    @Test("on_full: drop-oldest keeps ingesting and counts every reading it drops")
    func dropOldestCountsDrops() async throws {
        let (broker, edge) = try await Self.overfill(onFull: "drop-oldest")
        _ = broker
        #expect(await eventually(timeout: .seconds(30)) { edge.metric("haetae_readings_spooled_total") == Double(Self.total) })
        let dropped = edge.metric("haetae_spool_dropped_total", labels: #"reason="max_bytes""#) ?? 0
        #expect(await edge.stop() == 0)
        let stats = try #require(try edge.spoolStats())
        print("on_full: drop-oldest: \(Int(dropped)) dropped and counted, \(stats.readings) kept, \(stats.bytes) bytes")
        #expect(dropped > 0)
        #expect(stats.droppedReadings == Int64(dropped))
        #expect(stats.readings + stats.droppedReadings == Int64(Self.total))
    }
}
