import Foundation
import Readings
@testable import Spool
import TestSupport
import SQLite
import Testing

@Suite("Spool")
struct SpoolTests {
    @Test("a group commit stores every reading and keeps a small batch open")
    func groupCommitKeepsReadings() throws {
        let directory = try TemporaryDirectory()
        let spool = try makeSpool(directory)
        var builder = ColumnsBuilder()
        try spool.commit(builder.columns(press, count: 10), nowMillis: 0)
        try spool.commit(builder.columns(press, count: 5, firstValue: 10), nowMillis: 10)

        let stats = try SpoolReader(path: directory.path + "/spool.db").stats()
        #expect(stats.readings == 15)
        #expect(stats.batches == 0)
        #expect(stats.openReadings == 15)
        let readings = try allReadings(directory)
        #expect(readings.map(\.value) == (0..<15).map(Double.init))
        #expect(readings.allSatisfy { $0.series == press && $0.batchSeq == nil })
    }

    @Test("batches are sealed by count, in the columnar batch form")
    func sealsByCount() throws {
        let directory = try TemporaryDirectory()
        let spool = try makeSpool(directory) { $0.batchMaxReadings = 100 }
        var builder = ColumnsBuilder()
        let result = try spool.commit(builder.columns(press, count: 250), nowMillis: 0)
        #expect(result.batchesSealed == 2)
        #expect(spool.batchCount == 2)
        #expect(spool.readingCount == 250)

        let readings = try allReadings(directory)
        #expect(readings.count == 250)
        #expect(readings.prefix(100).allSatisfy { $0.batchSeq == 1 })
        #expect(readings.dropFirst(100).prefix(100).allSatisfy { $0.batchSeq == 2 })
        #expect(readings.suffix(50).allSatisfy { $0.batchSeq == nil })
        #expect(readings.map(\.value) == (0..<250).map(Double.init))
    }

    @Test("a batch is sealed by age even when no more readings come")
    func sealsByAge() throws {
        let directory = try TemporaryDirectory()
        let spool = try makeSpool(directory) { $0.batchMaxAgeMillis = 1_000 }
        var builder = ColumnsBuilder()
        try spool.commit(builder.columns(press, count: 3), nowMillis: 5_000)
        #expect(try spool.tick(nowMillis: 5_999).batchesSealed == 0)
        #expect(try spool.tick(nowMillis: 6_000).batchesSealed == 1)
        #expect(spool.batchCount == 1)
        #expect(try spool.tick(nowMillis: 9_000).batchesSealed == 0)
    }

    @Test("a sealed batch carries when its readings entered the spool and when it was sealed")
    func sealedBatchCarriesItsReceivedWindow() throws {
        let directory = try TemporaryDirectory()
        let spool = try makeSpool(directory) { $0.batchMaxAgeMillis = 1_000 }
        var builder = ColumnsBuilder()
        try spool.commit(builder.columns(press, count: 2), nowMillis: 5_000)
        try spool.commit(builder.columns(press, count: 2, firstValue: 2), nowMillis: 5_400)
        #expect(try spool.tick(nowMillis: 6_100).batchesSealed == 1)
        // The next batch's window starts at its own first commit.
        try spool.commit(builder.columns(press, count: 1, firstValue: 4), nowMillis: 9_000)
        #expect(try spool.tick(nowMillis: 10_000).batchesSealed == 1)
        let outbox = try SpoolOutbox(path: directory.path + "/spool.db")
        #expect(try BatchCodec.decode(try #require(try outbox.stored(seq: 1)).body).received == 5_000...6_100)
        #expect(try BatchCodec.decode(try #require(try outbox.stored(seq: 2)).body).received == 9_000...10_000)
    }

    @Test("a sealed batch decodes to the same series and readings, with device seq")
    func sealedBatchRoundTrips() throws {
        let directory = try TemporaryDirectory()
        let spool = try makeSpool(directory) { $0.batchMaxReadings = 4 }
        var builder = ColumnsBuilder()
        var columns = builder.columns(press, count: 2)
        let other = builder.columns(furnace, count: 2, firstValue: 100)
        columns.newSeries += other.newSeries
        for index in 0..<other.count {
            columns.append(sid: other.sid[index], ts: other.ts[index], value: other.value[index], seq: other.seq[index])
        }
        try spool.commit(columns, nowMillis: 0)
        let outbox = try SpoolOutbox(path: directory.path + "/spool.db")
        let stored = try #require(try outbox.stored(seq: 1))
        // Named by the spool's dictionary: keys are spool series ids, and no series is defined
        // in the spooled body (the forwarder adds what the core may not know).
        let batch = try BatchCodec.decode(stored.body)
        #expect(batch.edge == "seoul-a")
        #expect(batch.seq == 1)
        #expect(batch.dictionary == spool.dictionaryID)
        #expect(batch.series.isEmpty)
        #expect(batch.sid == [1, 1, 2, 2])
        #expect(stored.keys == [1, 2])
        #expect(batch.value == [0, 1, 100, 101])
        #expect(batch.deviceSeq == [0, 1, 100, 101])
        let sent = try BatchCodec.decode(BatchCodec.addingDefinitions(try outbox.definitions(of: [1, 2]), to: stored.body))
        var dictionary = SeriesDictionary(id: spool.dictionaryID)
        let inline = try dictionary.inline(sent)
        #expect(inline.series == [press, furnace])
        #expect(inline.sid == [0, 0, 1, 1])
        #expect(throws: SpoolError.self) { try outbox.definitions(of: [3]) }
    }

    @Test("a spool keeps its series dictionary id for its life; a new spool file chooses another")
    func dictionaryIdentity() throws {
        let directory = try TemporaryDirectory()
        let first = try makeSpool(directory).dictionaryID
        #expect(first > 0)
        #expect(try makeSpool(directory).dictionaryID == first)
        let other = try TemporaryDirectory()
        #expect(try makeSpool(other).dictionaryID != first)
    }

    @Test("a version-1 spool is upgraded in place: its inline batches stay sendable and new ones name series by key")
    func upgradesVersion1() throws {
        let directory = try TemporaryDirectory()
        do {
            let spool = try makeSpool(directory) { $0.batchMaxReadings = 2 }
            var builder = ColumnsBuilder()
            try spool.commit(builder.columns(press, count: 2), nowMillis: 0)
        }
        // Make it what version 1 wrote: an inline body, no keys column, no dictionary.
        do {
            let database = try SQLiteConnection(path: directory.path + "/spool.db")
            let inline = Batch(edge: "seoul-a", seq: 1, series: [press], sid: [0, 0], ts: [0, 1], value: [0, 1], deviceSeq: [0, 1])
            let update = try database.prepare("UPDATE batches SET body = ? WHERE seq = 1")
            try update.bind(blob: BatchCodec.encode(inline), at: 1)
            try update.run()
            try database.execute("""
                ALTER TABLE batches DROP COLUMN keys;
                DELETE FROM meta WHERE key = 'series_dictionary';
                UPDATE meta SET value = 1 WHERE key = 'schema_version';
                """)
        }
        let spool = try makeSpool(directory) { $0.batchMaxReadings = 2 }
        var builder = ColumnsBuilder()
        try spool.commit(builder.columns(press, count: 2, firstValue: 2), nowMillis: 0)
        let outbox = try SpoolOutbox(path: directory.path + "/spool.db")
        #expect(try outbox.stored(seq: 1)?.keys == nil)
        #expect(try BatchCodec.decode(try #require(try outbox.body(seq: 1))).series == [press])
        #expect(try outbox.stored(seq: 2)?.keys == [1])
        #expect(try allReadings(directory).map(\.value) == [0, 1, 2, 3])
    }

    @Test("after a restart the open batch, sealed batches and the batch sequence continue")
    func survivesRestart() throws {
        let directory = try TemporaryDirectory()
        do {
            let spool = try makeSpool(directory) { $0.batchMaxReadings = 100 }
            var builder = ColumnsBuilder()
            try spool.commit(builder.columns(press, count: 130), nowMillis: 0)
        }
        let reopened = try makeSpool(directory) { $0.batchMaxReadings = 100 }
        #expect(reopened.readingCount == 130)
        #expect(reopened.batchCount == 1)
        // A new process numbers its series from 0 again; the spool maps them to the same series.
        var builder = ColumnsBuilder()
        try reopened.commit(builder.columns(press, count: 70, firstValue: 130), nowMillis: 10)
        #expect(reopened.batchCount == 2)
        let readings = try allReadings(directory)
        #expect(readings.map(\.value) == (0..<200).map(Double.init))
        #expect(Set(readings.compactMap(\.batchSeq)) == [1, 2])
    }

    @Test("drop-oldest deletes the oldest batches to stay under max_bytes and counts what it dropped")
    func dropOldestCounts() throws {
        let directory = try TemporaryDirectory()
        let spool = try makeSpool(directory) {
            $0.maxBytes = 1 << 20
            $0.batchMaxReadings = 1_000
            $0.onFull = .dropOldest
        }
        var builder = ColumnsBuilder()
        var dropped = 0
        var committed = 0
        for round in 0..<60 {
            let result = try spool.commit(builder.columns(press, count: 2_000, firstValue: round * 2_000), nowMillis: Int64(round))
            dropped += result.droppedReadings
            committed += 2_000
        }
        #expect(dropped > 0)
        #expect(try spool.usedBytes() <= 1 << 20)
        let stats = try SpoolReader(path: directory.path + "/spool.db").stats()
        #expect(stats.droppedReadings == Int64(dropped))
        #expect(stats.readings + stats.droppedReadings == Int64(committed))
        // What is left is the newest data.
        let readings = try allReadings(directory)
        #expect(readings.last?.value == Double(committed - 1))
        #expect(readings.first!.value == Double(dropped))
    }

    @Test("block keeps every reading and reports full instead of dropping")
    func blockNeverDrops() throws {
        let directory = try TemporaryDirectory()
        let spool = try makeSpool(directory) {
            $0.maxBytes = 1 << 20
            $0.batchMaxReadings = 1_000
            $0.onFull = .block
        }
        var builder = ColumnsBuilder()
        var committed = 0
        while try !spool.isFull() {
            try spool.commit(builder.columns(press, count: 2_000, firstValue: committed), nowMillis: 0)
            committed += 2_000
            #expect(committed < 1_000_000)
        }
        let stats = try SpoolReader(path: directory.path + "/spool.db").stats()
        #expect(stats.readings == Int64(committed))
        #expect(stats.droppedReadings == 0)
    }

    @Test("the rejects table keeps only the most recent rejects")
    func rejectsAreTrimmed() throws {
        let directory = try TemporaryDirectory()
        let spool = try makeSpool(directory) { $0.rejectsKept = 5 }
        let rejects = (0..<12).map { index in
            RejectSample(reason: .badJSON, topic: "factory/seoul/l/d/s\(index)", payloadPrefix: Array("{oops".utf8), payloadBytes: 5, atMillis: Int64(index))
        }
        try spool.commit(ReadingColumns(), rejects: rejects, nowMillis: 0)
        let kept = try SpoolReader(path: directory.path + "/spool.db").recentRejects(limit: 100)
        #expect(kept.map(\.topic) == (7..<12).reversed().map { "factory/seoul/l/d/s\($0)" })
    }

    @Test("a failed commit leaves the spool as it was, so the same readings can be retried")
    func failedCommitRollsBack() throws {
        let directory = try TemporaryDirectory()
        let spool = try makeSpool(directory) { $0.batchMaxReadings = 10 }
        var builder = ColumnsBuilder()
        try spool.commit(builder.columns(press, count: 5), nowMillis: 0)
        // Make sealing fail inside the transaction, as a full disk would.
        try spool.database.execute("CREATE TRIGGER fail BEFORE INSERT ON batches BEGIN SELECT RAISE(ABORT, 'disk on fire'); END")
        #expect(throws: (any Error).self) {
            try spool.commit(builder.columns(press, count: 10, firstValue: 5), nowMillis: 1)
        }
        #expect(spool.readingCount == 5)
        try spool.database.execute("DROP TRIGGER fail")
        try spool.commit(builder.columns(press, count: 10, firstValue: 5), nowMillis: 2)
        #expect(try allReadings(directory).map(\.value) == (0..<15).map(Double.init))
    }

    @Test("series whose names differ only after a NUL byte stay apart")
    func nulInNamesKeepsSeriesApart() throws {
        let directory = try TemporaryDirectory()
        let spool = try makeSpool(directory)
        var builder = ColumnsBuilder()
        let plain = Series(site: "seoul", line: "l", device: "d", sensor: "a", unit: "")
        let withNul = Series(site: "seoul", line: "l", device: "d", sensor: "a\u{0}b", unit: "")
        try spool.commit(builder.columns(plain, count: 1, firstValue: 1), nowMillis: 0)
        try spool.commit(builder.columns(withNul, count: 1, firstValue: 2), nowMillis: 0)
        let readings = try allReadings(directory)
        #expect(readings.map(\.series) == [plain, withNul])
        #expect(readings.map(\.value) == [1, 2])
    }

    @Test("a renumbering from the decoder maps later ids to the right series, and a rolled-back commit is retried without renumbering twice")
    func renumberingAppliesOnce() throws {
        let directory = try TemporaryDirectory()
        let spool = try makeSpool(directory) { $0.batchMaxReadings = 10 }
        let valve = Series(site: "seoul", line: "line3", device: "valve-01", sensor: "position", unit: "%")
        var first = ReadingColumns()
        first.newSeries = [NewSeries(id: 0, series: press), NewSeries(id: 1, series: furnace), NewSeries(id: 2, series: valve)]
        first.append(sid: 0, ts: 1, value: 1, seq: -1)
        first.append(sid: 1, ts: 2, value: 2, seq: -1)
        first.append(sid: 2, ts: 3, value: 3, seq: -1)
        try spool.commit(first, nowMillis: 0)
        // press forgotten: furnace is now 0, valve 1, and a new series takes id 2.
        var second = ReadingColumns()
        second.renumbering = SeriesRenumbering(newIDs: [SeriesRenumbering.forgotten, 0, 1])
        second.newSeries = [NewSeries(id: 2, series: press)]
        second.append(sid: 0, ts: 4, value: 4, seq: -1)
        second.append(sid: 1, ts: 5, value: 5, seq: -1)
        second.append(sid: 2, ts: 6, value: 6, seq: -1)
        for _ in 0..<4 { second.append(sid: 1, ts: 7, value: 7, seq: -1) }
        try spool.database.execute("CREATE TRIGGER fail BEFORE INSERT ON batches BEGIN SELECT RAISE(ABORT, 'disk on fire'); END")
        #expect(throws: (any Error).self) { try spool.commit(second, nowMillis: 1) }
        try spool.database.execute("DROP TRIGGER fail")
        try spool.commit(second, nowMillis: 2)
        let readings = try allReadings(directory)
        #expect(readings.map(\.value) == [1, 2, 3, 4, 5, 6, 7, 7, 7, 7])
        #expect(readings.map(\.series) == [press, furnace, valve, furnace, valve, press, valve, valve, valve, valve])
    }

    @Test("sealed batches carry the spool's id: in the body, in the outbox listing, and so in the key edge:spool:seq; batches sealed before spool ids have none")
    func batchesCarrySpoolID() throws {
        let directory = try TemporaryDirectory()
        let spool = try makeSpool(directory) { $0.batchMaxReadings = 10 }
        var builder = ColumnsBuilder()
        try spool.commit(builder.columns(press, count: 20), nowMillis: 0)
        let outbox = try SpoolOutbox(path: spool.configuration.path)
        let waiting = try outbox.waiting(after: 0, limit: 10)
        #expect(waiting.map(\.seq) == [1, 2])
        #expect(waiting.allSatisfy { $0.spool == spool.dictionaryID })
        let body = try #require(try outbox.body(seq: 1))
        let batch = try BatchCodec.decode(body)
        #expect(batch.spool == spool.dictionaryID)
        #expect(batch.idempotencyKey == "seoul-a:\(spool.dictionaryID):1")
        // A batch sealed by an older edge (no spool column value) is listed without one.
        try spool.database.execute("UPDATE batches SET spool = NULL WHERE seq = 2")
        #expect(try outbox.waiting(after: 1, limit: 10).first?.spool == nil)
        #expect(Batch.idempotencyKey(edge: "seoul-a", spool: nil, seq: 2) == "seoul-a:2")
    }
}
