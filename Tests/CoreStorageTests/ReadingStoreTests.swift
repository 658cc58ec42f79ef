import CoreStorage
import Readings
import Testing

/// The behaviour both backends promise, each test run once per backend. The PostgreSQL runs use
/// a real server started for the test (TestSupport's `PostgresServer`). Serialized: dozens of
/// servers starting at once on a 2-core machine would starve the repo's timing-sensitive tests.
@Suite("Reading stores", .serialized, .timeLimit(.minutes(3)))
struct ReadingStoreTests {
    static let press = series("seoul", "line-1", "press-07", "temperature", "C")
    static let furnace = series("seoul", "line-2", "furnace-1", "temperature", "C")
    static let gas = series("gwangju", "line-1", "detector-3", "gas_ppm", "ppm")

    @Test("a batch posted twice is stored once; the repeat reports duplicate", arguments: StoreBackend.all)
    func sameBatchTwice(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let batch = makeBatch(edge: "seoul-a", seq: 42, (0..<100).map { (Self.press, baseTime + Int64($0) * 1_000, Double($0)) })
            #expect(try await store.ingest(batch, receivedAtMillis: baseTime) == .stored(readings: 100))
            #expect(try await store.ingest(batch, receivedAtMillis: baseTime + 5) == .duplicate)
            // Same key, different content: not a duplicate but a conflict, and nothing changes.
            var changed = batch
            changed.value = changed.value.map { $0 + 1 }
            await expectStoreError(.batchConflict) { try await store.ingest(changed, receivedAtMillis: baseTime + 9) }

            let id = try #require(try await store.series(SeriesFilter()).first?.id)
            let points = try await store.readings(series: id, from: baseTime, to: baseTime + hour, step: nil, aggregation: .avg)
            #expect(points.count == 100)
            #expect(points.map(\.value) == (0..<100).map(Double.init))
            // An empty batch still claims its key.
            let empty = makeBatch(edge: "seoul-a", seq: 43, [])
            #expect(try await store.ingest(empty, receivedAtMillis: baseTime) == .stored(readings: 0))
            #expect(try await store.ingest(empty, receivedAtMillis: baseTime) == .duplicate)
            let statistics = try await store.statistics()
            #expect(statistics.readings == 100)
            #expect(statistics.batches == 2)
        }
    }

    @Test("concurrent posts of the same batches from many tasks store each exactly once", arguments: StoreBackend.all)
    func concurrentDuplicates(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let batches = (1...4).map { (seq: Int) -> Batch in
                let readings = (0..<500).map { (i: Int) -> (Series, Int64, Double) in
                    let ts: Int64 = baseTime + Int64(seq * 1_000 + i) * 10
                    return (i % 2 == 0 ? Self.press : Self.furnace, ts, Double(i))
                }
                return makeBatch(edge: "seoul-a", seq: Int64(seq), readings)
            }
            let outcomes = try await withThrowingTaskGroup(of: IngestOutcome.self) { group in
                for _ in 0..<6 {
                    for batch in batches {
                        group.addTask { try await store.ingest(batch, receivedAtMillis: baseTime) }
                    }
                }
                return try await group.reduce(into: [IngestOutcome]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .stored(readings: 500) }.count == 4)
            #expect(outcomes.filter { $0 == .duplicate }.count == 20)
            let statistics = try await store.statistics()
            #expect(statistics.readings == 2_000)
            #expect(statistics.batches == 4)
            #expect(statistics.series == 2)
            let info = try await store.series(SeriesFilter())
            #expect(info.map(\.count) == [1_000, 1_000])
        }
    }

    @Test("series ids are stable across batches and edges; the same seq from two edges is two batches", arguments: StoreBackend.all)
    func stableSeriesIDs(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let a = makeBatch(edge: "seoul-a", seq: 1, [(Self.press, baseTime, 1), (Self.furnace, baseTime, 2)])
            // Listed in the other order, so batch-local ids differ from batch a's.
            let b = makeBatch(edge: "gwangju-a", seq: 1, [(Self.gas, baseTime + 1, 3), (Self.furnace, baseTime + 1, 4)])
            #expect(try await store.ingest(a, receivedAtMillis: baseTime) == .stored(readings: 2))
            let before = try await store.series(SeriesFilter())
            #expect(try await store.ingest(b, receivedAtMillis: baseTime) == .stored(readings: 2))
            let after = try await store.series(SeriesFilter())
            #expect(after.count == 3)
            let ids = Dictionary(uniqueKeysWithValues: after.map { ($0.series, $0.id) })
            for info in before { #expect(ids[info.series] == info.id) }
            #expect(Set(ids.values).count == 3)
            let furnace = try #require(after.first { $0.series == Self.furnace })
            #expect(furnace.count == 2)
            #expect(furnace.lastValue == 4)
            let points = try await store.readings(series: furnace.id, from: baseTime, to: baseTime + 2, step: nil, aggregation: .last)
            #expect(points == [Point(ts: baseTime, value: 2), Point(ts: baseTime + 1, value: 4)])
        }
    }

    @Test("a batch that breaks its invariants is refused whole", arguments: StoreBackend.all)
    func invalidBatch(_ backend: StoreBackend) async throws {
        try await withStore(backend) { (store: any ReadingStore) async throws -> Void in
            var outOfRange = makeBatch(edge: "seoul-a", seq: 7, [(Self.press, baseTime, 1), (Self.press, baseTime + 1, 2)])
            outOfRange.sid[1] = 5
            var nonFinite = makeBatch(edge: "seoul-a", seq: 7, [(Self.press, baseTime, 1)])
            nonFinite.value[0] = .nan
            // Times outside 1970–9999 (what the edge accepts from devices), e.g. near Int64's ends.
            let before1970 = makeBatch(edge: "seoul-a", seq: 7, [(Self.press, -1, 1)])
            let farFuture = makeBatch(edge: "seoul-a", seq: 7, [(Self.press, 253_402_300_800_000, 1)])
            let int64End = makeBatch(edge: "seoul-a", seq: 7, [(Self.press, .max, 1)])
            for bad in [outOfRange, nonFinite, before1970, farFuture, int64End] {
                await expectStoreError(.invalidBatch) { try await store.ingest(bad, receivedAtMillis: baseTime) }
            }
            // The key was not taken by the refused batches.
            let good = makeBatch(edge: "seoul-a", seq: 7, [(Self.press, baseTime, 1)])
            #expect(try await store.ingest(good, receivedAtMillis: baseTime) == .stored(readings: 1))
            #expect(try await store.statistics().readings == 1)
        }
    }

    @Test("statistics count readings, series and batches, and report the store's size", arguments: StoreBackend.all)
    func statistics(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            #expect(try await store.statistics().readings == 0)
            let data = RandomData(seed: 11, series: [Self.press, Self.furnace, Self.gas], span: 2 * hour, batchCount: 6)
            for batch in data.batches {
                _ = try await store.ingest(batch, receivedAtMillis: baseTime)
            }
            let statistics = try await store.statistics()
            #expect(statistics.readings == Int64(data.points.values.map(\.count).reduce(0, +)))
            #expect(statistics.series == 3)
            #expect(statistics.batches == 6)
            #expect(statistics.bytes > 0)
        }
    }

    @Test("a closed store refuses calls", arguments: StoreBackend.all)
    func closed(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            await store.close()
            await store.close()  // idempotent
            await expectStoreError(.closed) { try await store.statistics() }
        }
    }
}
