import CoreStorage
import Readings
import Testing

extension ReadingStoreTests {
    @Test("retention drops raw readings and old rollups; hourly queries still answer from rollups", arguments: StoreBackend.all)
    func retention(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let (data, ids) = try await Self.storeRandomData(store, seed: 3)
            let before = try await store.statistics()
            let rawBefore = baseTime + 3 * hour + 17 * 60_000 + 5  // mid-hour: blocks straddle it
            let rollupBefore = baseTime + hour
            try await store.applyRetention(rawBefore: rawBefore, rollupBefore: rollupBefore)
            // Applying the same retention again changes nothing.
            try await store.applyRetention(rawBefore: rawBefore, rollupBefore: rollupBefore)

            for series in Self.randomSeries {
                let id = try #require(ids[series])
                let all = data.points[series]!.sorted { $0.ts < $1.ts }
                // Raw: only readings at or after rawBefore are left.
                let raw = try await store.readings(series: id, from: baseTime, to: baseTime + 6 * hour, step: nil, aggregation: .avg)
                #expect(raw == all.filter { $0.ts >= rawBefore })
                // Whole hours from an hour boundary: rollups for every hour still kept, exact.
                for aggregation in Aggregation.allCases {
                    let hourly = try await store.readings(
                        series: id, from: baseTime, to: baseTime + 5 * hour, step: hour, aggregation: aggregation)
                    let expected = referenceDownsample(all, from: baseTime, to: baseTime + 5 * hour, step: hour, aggregation)
                        .filter { $0.ts >= rollupBefore }
                    #expect(nearlyEqual(hourly, expected), "\(series) \(aggregation)")
                }
                // An unaligned hour-sized step over the dropped range still answers, from rollups,
                // with every kept reading counted once.
                let unaligned = try await store.readings(
                    series: id, from: baseTime + hour + 600_000, to: baseTime + 5 * hour, step: 90 * 60_000, aggregation: .max)
                #expect(!unaligned.isEmpty)
                #expect(unaligned.map(\.value).max() == all.filter { $0.ts >= baseTime + hour }.map(\.value).max())
                // Finer steps over the dropped range have nothing left to show.
                let fine = try await store.readings(
                    series: id, from: baseTime + hour, to: baseTime + 2 * hour, step: 60_000, aggregation: .avg)
                #expect(fine.isEmpty)
            }
            // Totals count what was ever stored; retention does not rewrite history there.
            let after = try await store.statistics()
            #expect(after.readings == before.readings)
            #expect(after.series == before.series)
        }
    }

    @Test("late readings for an hour whose raw data was dropped still reach the rollup", arguments: StoreBackend.all)
    func lateReadingsAfterRetention(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            _ = try await store.ingest(
                makeBatch(edge: "seoul-a", seq: 1, [(Self.press, baseTime + 10, 1), (Self.press, baseTime + 20, 3)]),
                receivedAtMillis: baseTime)
            try await store.applyRetention(rawBefore: baseTime + 2 * hour, rollupBefore: baseTime)
            _ = try await store.ingest(
                makeBatch(edge: "seoul-a", seq: 2, [(Self.press, baseTime + 30, 8)]), receivedAtMillis: baseTime + 2 * hour)
            let id = try #require(try await store.series(SeriesFilter()).first?.id)
            let hourly = try await store.readings(series: id, from: baseTime, to: baseTime + hour, step: hour, aggregation: .avg)
            #expect(hourly == [Point(ts: baseTime, value: 4)])
        }
    }
}
