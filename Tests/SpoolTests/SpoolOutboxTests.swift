import Foundation
import Readings
@testable import Spool
import TestSupport
import Testing

@Suite("Spool outbox (the forwarder's side)")
struct SpoolOutboxTests {
    @Test("lists sealed batches oldest first, after a cursor, without the open batch")
    func listsSealedBatchesInOrder() throws {
        let directory = try TemporaryDirectory()
        let spool = try makeSpool(directory) { $0.batchMaxReadings = 100 }
        var builder = ColumnsBuilder()
        try spool.commit(builder.columns(press, count: 350), nowMillis: 1_000)
        let outbox = try SpoolOutbox(path: spool.configuration.path)

        let all = try outbox.waiting(after: 0, limit: 10)
        #expect(all.map(\.seq) == [1, 2, 3])
        #expect(all.allSatisfy { $0.readings == 100 && $0.sealedMillis == 1_000 })
        #expect(all[0].firstTs == 1_700_000_000_000 && all[0].lastTs == 1_700_000_000_099)
        #expect(try outbox.waiting(after: 1, limit: 1).map(\.seq) == [2])
        #expect(try outbox.waiting(after: 3, limit: 10).isEmpty)

        let body = try #require(try outbox.body(seq: 2))
        let batch = try BatchCodec.decode(body)
        #expect(batch.seq == 2 && batch.edge == "seoul-a" && batch.value.first == 100)
        #expect(try outbox.body(seq: 4) == nil)
        #expect(try outbox.backlog() == SpoolBacklog(batches: 3, readings: 300, oldestSealedMillis: 1_000, oldestReadingMillis: 1_700_000_000_000))
    }

    @Test("deleting acknowledged batches keeps the writer's counts right and its sequence going")
    func deleteKeepsWriterCounts() throws {
        let directory = try TemporaryDirectory()
        let spool = try makeSpool(directory) { $0.batchMaxReadings = 100 }
        var builder = ColumnsBuilder()
        try spool.commit(builder.columns(press, count: 350), nowMillis: 0)
        let outbox = try SpoolOutbox(path: spool.configuration.path)

        #expect(try outbox.delete(seqs: [1, 3, 99]) == 200)
        #expect(try outbox.delete(seqs: [1]) == 0, "a repeat deletes nothing")
        #expect(spool.batchCount == 1)
        #expect(spool.readingCount == 150)

        try spool.commit(builder.columns(press, count: 60, firstValue: 350), nowMillis: 10)
        #expect(spool.batchCount == 2)
        #expect(spool.readingCount == 210)
        #expect(try outbox.waiting(after: 0, limit: 10).map(\.seq) == [2, 4])
        let readings = try allReadings(directory)
        #expect(readings.map(\.value) == (100..<200).map(Double.init) + (300..<410).map(Double.init))
    }

    @Test("drop-oldest and the forwarder deleting at once lose count of nothing")
    func dropOldestAlongsideDeletes() throws {
        let directory = try TemporaryDirectory()
        let spool = try makeSpool(directory) { $0.batchMaxReadings = 2_000; $0.maxBytes = 1 << 20 }
        let outbox = try SpoolOutbox(path: spool.configuration.path)
        var builder = ColumnsBuilder()
        var dropped = 0
        var deleted = 0
        for round in 0..<40 {
            dropped += try spool.commit(builder.columns(press, count: 2_000, firstValue: round * 2_000), nowMillis: Int64(round)).droppedReadings
            if round % 3 == 0, let oldest = try outbox.waiting(after: 0, limit: 1).first {
                deleted += try outbox.delete(seqs: [oldest.seq])
            }
        }
        let remaining = try SpoolReader(path: spool.configuration.path).stats().readings
        #expect(spool.readingCount == remaining)
        #expect(Int(remaining) + dropped + deleted == 80_000)
        #expect(dropped > 0, "the test should reach the byte limit")
    }

    @Test("a writer thread and the forwarder's connection work side by side without errors")
    func concurrentWriterAndDeleter() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/spool.db"
        // Handed to the writer thread, then read back here only after it has finished.
        nonisolated(unsafe) let spool = try makeSpool(directory) { $0.batchMaxReadings = 500; $0.synchronous = .full }
        let total = 100_000
        let writer = Thread.detachedResult {
            var builder = ColumnsBuilder()
            for round in 0..<(total / 1_000) {
                try spool.commit(builder.columns(press, count: 1_000, firstValue: round * 1_000), nowMillis: Int64(round))
            }
            try spool.tick(nowMillis: 1_000_000)
        }
        let outbox = try SpoolOutbox(path: path)
        var deleted = 0
        var values: [Double] = []
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while deleted < total, clock.now < deadline {
            let batches = try outbox.waiting(after: 0, limit: 8)
            if batches.isEmpty { try await Task.sleep(for: .milliseconds(1)); continue }
            for batch in batches {
                values += try BatchCodec.decode(try #require(try outbox.body(seq: batch.seq))).value
            }
            deleted += try outbox.delete(seqs: batches.map(\.seq))
        }
        try await writer.value
        #expect(deleted == total)
        #expect(values == (0..<total).map(Double.init), "every reading read once, in order")
        #expect(spool.readingCount == 0 && spool.batchCount == 0)
    }
}

extension Thread {
    /// Runs `body` on a new thread (as the spool writer does) and hands back its result.
    static func detachedResult(_ body: @escaping @Sendable () throws -> Void) -> Task<Void, any Error> {
        let (stream, continuation) = AsyncStream.makeStream(of: Result<Void, any Error>.self)
        Thread.detachNewThread {
            continuation.yield(Result { try body() })
            continuation.finish()
        }
        return Task {
            for await result in stream { try result.get() }
        }
    }
}
