@testable import CoreStorage
import Readings
import Testing

/// Raw readings and delivery rows come a page at a time: no page holds more than its limit
/// (except a single time stamp with more rows), and the pages together are the whole range, once.
extension ReadingStoreTests {
    @Test("pages of raw readings and delivery rows cover the range exactly once, never splitting one time stamp", arguments: StoreBackend.all)
    func pages(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            // Three hours at 1 Hz in 30 batches, plus 5 readings sharing one time stamp.
            var seq: Int64 = 0
            for batch in 0..<30 {
                var readings: [(Series, Int64, Double)] = []
                for i in 0..<360 { readings.append((Self.press, baseTime + Int64(batch * 360 + i) * 1_000, Double(batch * 360 + i))) }
                if batch == 10 { for k in 0..<5 { readings.append((Self.press, baseTime + 3_600_500, 90_000 + Double(k))) } }
                var made = makeBatch(edge: "seoul-a", seq: Int64(batch + 1), readings)
                made.deviceSeq = made.deviceSeq.map { _ in seq += 1; return seq }
                _ = try await store.ingest(made, receivedAtMillis: baseTime)
            }
            let id = try #require(try await store.series(SeriesFilter()).first?.id)
            let all = try await store.readings(series: id, from: baseTime, to: baseTime + 4 * hour, step: nil, aggregation: .avg)
            #expect(all.count == 10_805)

            var paged: [Point] = []
            var from = baseTime
            var pages = 0
            while true {
                let page = try await store.readings(series: id, from: from, to: baseTime + 4 * hour, step: nil, aggregation: .avg, limit: 1_000)
                #expect(page.points.count <= 1_000)
                paged += page.points
                pages += 1
                guard let next = page.nextFrom else { break }
                #expect(next > from && page.points.allSatisfy { $0.ts < next })
                from = next
            }
            #expect(paged == all)
            #expect(pages == 11)

            var rows = Delivery()
            from = baseTime
            while true {
                let page = try await store.delivery(series: id, from: from, to: baseTime + 4 * hour, storedSince: 0, limit: 700)
                #expect(page.count <= 700)
                rows.ts += page.ts
                rows.seq += page.seq
                guard let next = page.nextFrom else { break }
                from = next
            }
            #expect(rows.ts == all.map(\.ts))
            #expect(Set(rows.seq).count == 10_805)
        }
    }

    @Test("a page ends before the first time stamp it cannot take whole; one time stamp with more rows than the limit is one page")
    func pageCut() {
        #expect(PageCut.cut([1, 2, 3], limit: 5) == (3, nil))
        #expect(PageCut.cut([1, 2, 3, 4], limit: 3) == (3, 4))
        #expect(PageCut.cut([1, 2, 3, 3, 4], limit: 3) == (2, 3))
        #expect(PageCut.cut([7, 7, 7, 7, 8], limit: 2) == (4, 8))
        #expect(PageCut.cut([7, 7, 7], limit: 2) == (3, nil))
    }
}
