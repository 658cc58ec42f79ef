import CoreStorage
import Readings
import TestSupport
import Testing

extension ReadingStoreTests {
    static let randomSeries = [press, furnace, gas]

    /// Stores random data over five hours in 12 shuffled batches and returns it with the ids.
    static func storeRandomData(_ store: any ReadingStore, seed: UInt64) async throws -> (RandomData, [Series: Int64]) {
        let data = RandomData(seed: seed, series: randomSeries, span: 5 * hour, batchCount: 12)
        for batch in data.batches {
            #expect(try await store.ingest(batch, receivedAtMillis: baseTime) == .stored(readings: batch.count))
        }
        let ids = Dictionary(uniqueKeysWithValues: try await store.series(SeriesFilter()).map { ($0.series, $0.id) })
        return (data, ids)
    }

    @Test("raw range queries return exactly the points in [from, to), ascending", arguments: StoreBackend.all)
    func rawRanges(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let (data, ids) = try await Self.storeRandomData(store, seed: 1)
            var random = SeededGenerator(seed: 99)
            for series in Self.randomSeries {
                let id = try #require(ids[series])
                let all = data.points[series]!.sorted { $0.ts < $1.ts }
                #expect(try await store.readings(series: id, from: baseTime, to: baseTime + 6 * hour, step: nil, aggregation: .avg) == all)
                for _ in 0..<8 {
                    let from = baseTime + Int64.random(in: -hour..<5 * hour, using: &random)
                    let to = from + Int64.random(in: 1..<2 * hour, using: &random)
                    let got = try await store.readings(series: id, from: from, to: to, step: nil, aggregation: .avg)
                    #expect(got == all.filter { $0.ts >= from && $0.ts < to }, "from \(from) to \(to)")
                }
                // Empty and inverted ranges, and an unknown series.
                #expect(try await store.readings(series: id, from: baseTime + 10, to: baseTime + 10, step: nil, aggregation: .avg).isEmpty)
                #expect(try await store.readings(series: id, from: baseTime + 10, to: baseTime, step: 1_000, aggregation: .avg).isEmpty)
            }
            #expect(try await store.readings(series: 999_999, from: baseTime, to: baseTime + hour, step: nil, aggregation: .avg).isEmpty)
        }
    }

    @Test("downsampling matches a naive reference for every aggregation and step", arguments: StoreBackend.all)
    func downsampling(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let (data, ids) = try await Self.storeRandomData(store, seed: 2)
            // Unaligned sub-hour steps (raw path), whole hours from an hour boundary (rollups plus
            // a raw tail), and hour-sized steps from an unaligned start (raw path).
            let cases: [(from: Int64, to: Int64, step: Int64)] = [
                (baseTime + 1_234, baseTime + 3 * hour + 77, 7_000),
                (baseTime - 50_000, baseTime + 5 * hour, 60_000),
                (baseTime + 17 * 60_000 + 3, baseTime + 4 * hour, 15 * 60_000 + 1),
                (baseTime, baseTime + 5 * hour, hour),
                (baseTime + hour, baseTime + 4 * hour + 1_800_000, 2 * hour),
                (baseTime + 600_000, baseTime + 5 * hour, 90 * 60_000),
                (baseTime - hour, baseTime + 9 * hour, 24 * hour),
            ]
            for series in Self.randomSeries {
                let id = try #require(ids[series])
                for (from, to, step) in cases {
                    for aggregation in Aggregation.allCases {
                        let got = try await store.readings(series: id, from: from, to: to, step: step, aggregation: aggregation)
                        let expected = referenceDownsample(data.points[series]!, from: from, to: to, step: step, aggregation)
                        #expect(nearlyEqual(got, expected), "\(series) \(aggregation) from \(from) to \(to) step \(step)")
                    }
                }
            }
        }
    }

    @Test("a non-positive step is an invalid query", arguments: StoreBackend.all)
    func invalidStep(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            await expectStoreError(.invalidQuery) {
                try await store.readings(series: 1, from: baseTime, to: baseTime + hour, step: 0, aggregation: .avg)
            }
        }
    }

    @Test("for equal timestamps in one batch, last is the later reading", arguments: StoreBackend.all)
    func lastOnTies(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            _ = try await store.ingest(
                makeBatch(edge: "seoul-a", seq: 1, [(Self.press, baseTime + 5, 1), (Self.press, baseTime + 5, 2)]),
                receivedAtMillis: baseTime)
            let id = try #require(try await store.series(SeriesFilter()).first?.id)
            #expect(try await store.series(SeriesFilter()).first?.lastValue == 2)
            // Whole-hour buckets from rollups keep the batch order too.
            let hourly = try await store.readings(series: id, from: baseTime, to: baseTime + hour, step: hour, aggregation: .last)
            #expect(hourly == [Point(ts: baseTime, value: 2)])
        }
    }
}
