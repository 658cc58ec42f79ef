import CoreStorage
import Readings
import SQLite
import TestSupport
import Testing

/// The SQLite engine's head and compaction: what a restart, many rounds and a page of series do.
@Suite("SQLite compaction", .serialized)
struct SQLiteCompactionTests {
    static let press = series("seoul", "line-1", "press-07", "temperature", "C")
    static let furnace = series("seoul", "line-2", "furnace-1", "temperature", "C")

    static func open(_ path: String, blockReadings: Int = 4_096) throws -> SQLiteReadingStore {
        try SQLiteReadingStore(
            path: path, options: .init(synchronous: .normal, blockReadings: blockReadings, compactInBackground: false), logger: testLogger)
    }

    static func rows(_ path: String, _ table: String) throws -> Int64 {
        try SQLiteConnection(path: path, mode: .readOnly).scalarInt("SELECT COUNT(*) FROM \(table)")
    }

    @Test("batches stored but not compacted survive a restart, are queryable, and compact afterwards")
    func headSurvivesRestart() async throws {
        let directory = try TemporaryDirectory(prefix: "haetae-compaction")
        defer { directory.remove() }
        let path = directory.file("core.db")
        let data = RandomData(seed: 5, series: [Self.press, Self.furnace], span: 3 * hour, batchCount: 8)
        var store = try Self.open(path)
        for batch in data.batches[..<4] { _ = try await store.ingest(batch, receivedAtMillis: baseTime) }
        _ = try await store.compact()
        for batch in data.batches[4...] { _ = try await store.ingest(batch, receivedAtMillis: baseTime) }
        let before = try await store.series(SeriesFilter())
        await store.close()
        #expect(try Self.rows(path, "head") == 4)

        store = try Self.open(path)
        #expect(try await store.series(SeriesFilter()) == before)
        for info in before {
            let all = data.points[info.series]!.sorted { $0.ts < $1.ts }
            #expect(try await store.readings(series: info.id, from: baseTime, to: baseTime + 4 * hour, step: nil, aggregation: .avg) == all)
        }
        let report = try await store.compact()
        #expect(report.headRows == 4)
        #expect(try Self.rows(path, "head") == 0)
        for info in before {
            let all = data.points[info.series]!.sorted { $0.ts < $1.ts }
            #expect(try await store.readings(series: info.id, from: baseTime, to: baseTime + 4 * hour, step: nil, aggregation: .avg) == all)
        }
        #expect(try await store.statistics().readings == Int64(data.points.values.map(\.count).reduce(0, +)))
        // Duplicates are still refused after compaction and a restart.
        #expect(try await store.ingest(data.batches[0], receivedAtMillis: baseTime) == .duplicate)
        await store.close()
    }

    @Test("an hour of a slow series compacted over many rounds is one block, read back in order")
    func roundsMergeIntoOneBlock() async throws {
        let directory = try TemporaryDirectory(prefix: "haetae-compaction")
        defer { directory.remove() }
        let path = directory.file("core.db")
        let store = try Self.open(path)
        // 120 rounds of one reading per series, the last ones arriving late (out of order).
        for round in 0..<120 {
            let t = baseTime + Int64(round < 100 ? round : 219 - round) * 10_000
            _ = try await store.ingest(makeBatch(edge: "seoul-a", seq: Int64(round + 1), [(Self.press, t, Double(round)), (Self.furnace, t, 1)]), receivedAtMillis: baseTime)
            _ = try await store.compact()
        }
        #expect(try Self.rows(path, "blocks") == 2)
        let id = try #require(try await store.series(SeriesFilter(device: "press-07")).first?.id)
        let points = try await store.readings(series: id, from: baseTime, to: baseTime + hour, step: nil, aggregation: .avg)
        #expect(points.count == 120)
        #expect(points.map(\.ts) == points.map(\.ts).sorted())
        await store.close()
        // A small block size splits instead.
        let split = try Self.open(path, blockReadings: 16)
        _ = try await split.ingest(makeBatch(edge: "seoul-a", seq: 500, (0..<100).map { (Self.press, baseTime + hour + Int64($0), 2) }), receivedAtMillis: baseTime)
        _ = try await split.compact()
        #expect(try Self.rows(path, "blocks") == 2 + 7)
        await split.close()
    }

    @Test("seoul-shaped data (5 Hz sensors, one batch a second) compacts to under 3 bytes a reading on disk")
    func bytesPerReading() async throws {
        let directory = try TemporaryDirectory(prefix: "haetae-compaction")
        defer { directory.remove() }
        let path = directory.file("core.db")
        let store = try Self.open(path)
        var random = SeededGenerator(seed: 17)
        let list = (0..<200).map { series("seoul", "line-\($0 % 4)", "press-\($0 / 4)", ["temperature", "vibration", "pressure", "current"][$0 % 4]) }
        var values = [Double](repeating: 50, count: list.count)
        var seq = 0
        // Ten minutes at 5 Hz per series (receive-time jitter of 0–2 ms), one batch a second
        // (as the edge seals them), device seqs counting up; compacted every 100 s.
        let seconds = 600
        for second in 0..<seconds {
            var readings: [(Series, Int64, Double)] = []
            var seqs: [Int64] = []
            for tick in 0..<5 {
                for k in list.indices {
                    values[k] = ((values[k] + Double(Int.random(in: -30...30, using: &random)) / 100) * 100).rounded() / 100
                    readings.append((list[k], baseTime + Int64(second * 1_000 + tick * 200) + Int64.random(in: 0...2, using: &random), values[k]))
                    seqs.append(Int64(seq))
                }
                seq += 1
            }
            var batch = makeBatch(edge: "seoul-a", seq: Int64(second + 1), readings)
            batch.deviceSeq = seqs
            _ = try await store.ingest(batch, receivedAtMillis: baseTime)
            if second % 100 == 99 { _ = try await store.compact() }
        }
        _ = try await store.compact()
        await store.close()
        let db = try SQLiteConnection(path: path)
        try db.execute("VACUUM")
        let bytes = try db.scalarInt("PRAGMA page_count") * db.scalarInt("PRAGMA page_size")
        let perReading = Double(bytes) / Double(seconds * 5 * list.count)
        #expect(perReading < 3, "\(perReading) bytes a reading")
    }
}
