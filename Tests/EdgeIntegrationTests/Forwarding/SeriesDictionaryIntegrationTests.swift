import Foundation
import Readings
import TestSupport
import Testing

/// The edge names each series to the core once (DESIGN §3.4, batches by dictionary), with real
/// mosquitto, publishers and `haetae-edge` against the ``TestCore`` stand-in, which can forget
/// the dictionary as a core restored from an old backup would.
@Suite("Series dictionary, edge to core (integration)", .serialized, .timeLimit(.minutes(3)))
struct SeriesDictionaryIntegrationTests {
    static let topics = (1...20).map { "factory/seoul/line-\($0 % 4)/press-\($0)/temperature" }

    @Test("series are named about once while the core keeps them; a core that forgot gets them named again, and every reading arrives once under its series")
    func namesSeriesOnceAndAgainAfterTheCoreForgets() async throws {
        let broker = try await MosquittoBroker()
        let core = TestCore()
        try await core.start()
        let edge = try ForwardTest.edge(broker: broker, urls: [core.url], token: core.token, batchReadings: 500, batchAge: "100ms")
        try await edge.start()
        let half = 10_000
        try await Publisher.publishBulk(port: broker.port, count: half, qos: 1, topics: Self.topics)
        #expect(await eventually(timeout: .seconds(30)) { core.snapshot.readingsStored >= half })
        let first = core.snapshot
        #expect(first.batches.count >= 10, "enough batches to tell naming once from naming in every batch")
        // Only batches composed before the core acknowledged one using a series name it (at most
        // in_flight at once, more when a slow answer times out and the batch goes again); later
        // ones carry keys alone, the newest batch included.
        #expect(first.definitionsReceived >= Self.topics.count)
        let defining = first.batches.values.filter { $0.definitions > 0 }.count
        #expect(defining < first.batches.count, "every batch named its series")
        let newest = try #require(first.batches.values.max { $0.batch.seq < $1.batch.seq })
        #expect(newest.definitions == 0, "the newest batch still named \(newest.definitions) series")
        #expect(first.unknownSeries == 0)

        core.forgetDictionaries()
        try await Publisher.publishBulk(port: broker.port, count: half, qos: 1, topics: Self.topics, firstSeq: half)
        #expect(await eventually(timeout: .seconds(30)) { core.snapshot.readingsStored >= 2 * half })
        #expect(await ForwardTest.drained(edge))
        let state = core.snapshot
        print("dictionary: \(first.definitionsReceived) definitions received, \(defining) of \(first.batches.count) stored batches named series; after the core forgot: \(state.unknownSeries) answered 409, \(state.definitionsReceived - first.definitionsReceived) definitions in \(state.batches.count - first.batches.count) batches")
        #expect(state.unknownSeries >= 1)
        #expect(state.definitionsReceived - first.definitionsReceived >= Self.topics.count)
        let accounting = SeqAccounting(expected: 2 * half, seqs: core.deviceSeqs())
        #expect(accounting.missing == 0 && accounting.duplicates == 0, "\(accounting)")
        // Every reading under the series its topic names: seq k was published on topic k % 20.
        var misnamed = 0
        for stored in state.batches.values {
            for (index, sid) in stored.batch.sid.enumerated() {
                let series = stored.batch.series[Int(sid)]
                let topic = Self.topics[Int(stored.batch.deviceSeq[index]) % Self.topics.count]
                if topic != "factory/\(series.site)/\(series.line)/\(series.device)/\(series.sensor)" { misnamed += 1 }
            }
        }
        #expect(misnamed == 0)
        #expect((edge.metric("haetae_forward_batches_failed_total", labels: #"reason="unknown_series""#) ?? 0) >= 1)
        #expect(await edge.stop() == 0)
        await core.stop()
    }
}
