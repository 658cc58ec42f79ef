import CoreStorage
import Foundation
import Readings
import TestSupport
import Testing

extension ReadingStoreTests {
    @Test("delivery gives each stored reading's device seq and store time, ascending by ts, once per stored copy", arguments: StoreBackend.all)
    func delivery(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let press = series("seoul", "line-1", "press-07", "temperature", "C")
            // Two batches out of order (seq 5…9, then 0…4), a device resend of seq 3 in a third
            // batch, and one reading without a seq.
            func batch(_ seq: Int64, _ rows: [(Int64, Int64)]) -> Batch {
                var batch = makeBatch(edge: "seoul-a", seq: seq, rows.map { (press, baseTime + $0.0 * 1_000, Double($0.1)) })
                batch.deviceSeq = rows.map(\.1)
                return batch
            }
            let before = Int64(Date().timeIntervalSince1970 * 1_000)
            #expect(try await store.ingest(batch(1, (5..<10).map { ($0, $0) }), receivedAtMillis: baseTime) == .stored(readings: 5))
            #expect(try await store.ingest(batch(2, (0..<5).reversed().map { ($0, $0) }), receivedAtMillis: baseTime) == .stored(readings: 5))
            #expect(try await store.ingest(batch(3, [(3, 3), (10, -1)]), receivedAtMillis: baseTime) == .stored(readings: 2))
            #expect(try await store.ingest(batch(3, [(3, 3), (10, -1)]), receivedAtMillis: baseTime) == .duplicate)
            let after = Int64(Date().timeIntervalSince1970 * 1_000)
            let id = try #require(try await store.series(SeriesFilter(device: "press-07")).first?.id)

            let all = try await store.delivery(series: id, from: baseTime, to: baseTime + hour, storedSince: 0)
            #expect(all.ts == [0, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10].map { baseTime + $0 * 1_000 })
            #expect(all.seq == [0, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9, -1])
            #expect(all.storedAt.allSatisfy { $0 >= before && $0 <= after }, "\(all.storedAt) not in \(before)…\(after)")

            // The range is [from, to) on ts; storedSince drops what was stored before it.
            let middle = try await store.delivery(series: id, from: baseTime + 3_000, to: baseTime + 6_000, storedSince: 0)
            #expect(middle.seq == [3, 3, 4, 5])
            #expect(try await store.delivery(series: id, from: baseTime, to: baseTime + hour, storedSince: after + 1).count == 0)
            #expect(try await store.delivery(series: 999_999, from: baseTime, to: baseTime + hour, storedSince: 0).count == 0)
            #expect(try await store.delivery(series: id, from: baseTime + 10, to: baseTime, storedSince: 0).count == 0)
        }
    }

    @Test("a batch without device seqs is delivered with -1 for each reading", arguments: StoreBackend.all)
    func deliveryWithoutSeqs(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let gas = series("seoul", "line-2", "gas-01", "co", "ppm")
            var batch = makeBatch(edge: "seoul-a", seq: 1, (0..<3).map { (gas, baseTime + $0 * 1_000, 1.5) })
            batch.deviceSeq = []  // a column the edge left out
            #expect(try await store.ingest(batch, receivedAtMillis: baseTime) == .stored(readings: 3))
            let id = try #require(try await store.series(SeriesFilter()).first?.id)
            let delivery = try await store.delivery(series: id, from: baseTime, to: baseTime + hour, storedSince: 0)
            #expect(delivery.seq == [-1, -1, -1])
            #expect(delivery.ts == [baseTime, baseTime + 1_000, baseTime + 2_000])
        }
    }
}
