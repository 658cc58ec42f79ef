import CoreStorage
import Readings
import Testing

extension ReadingStoreTests {
    @Test("series filters match exact names; the unit makes a separate series", arguments: StoreBackend.all)
    func seriesFilters(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let fahrenheit = series("seoul", "line-1", "press-07", "temperature", "F")
            let vibration = series("seoul", "line-1", "press-07", "vibration", "mm/s")
            let batch = makeBatch(edge: "seoul-a", seq: 1, [
                (Self.press, baseTime, 70), (fahrenheit, baseTime, 158), (vibration, baseTime, 3.1),
                (Self.furnace, baseTime, 851), (Self.gas, baseTime, 12),
            ])
            _ = try await store.ingest(batch, receivedAtMillis: baseTime)
            func names(_ filter: SeriesFilter) async throws -> Set<Series> {
                Set(try await store.series(filter).map(\.series))
            }
            #expect(try await names(SeriesFilter()).count == 5)
            #expect(try await names(SeriesFilter(site: "gwangju")) == [Self.gas])
            #expect(try await names(SeriesFilter(site: "seoul", line: "line-1")) == [Self.press, fahrenheit, vibration])
            #expect(try await names(SeriesFilter(device: "press-07", sensor: "temperature")) == [Self.press, fahrenheit])
            #expect(try await names(SeriesFilter(sensor: "temperature")) == [Self.press, fahrenheit, Self.furnace])
            #expect(try await names(SeriesFilter(site: "seoul", sensor: "gas_ppm")).isEmpty)
            #expect(try await names(SeriesFilter(site: "seo")).isEmpty)  // exact, not a prefix
        }
    }

    @Test("series come in pages by ascending id: limit and after walk the whole list once", arguments: StoreBackend.all)
    func seriesPages(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let list = (0..<25).map { series("seoul", "line-\($0 % 3)", "press-\($0)", "temperature") }
            _ = try await store.ingest(makeBatch(edge: "seoul-a", seq: 1, list.map { ($0, baseTime, 1) }), receivedAtMillis: baseTime)
            var seen: [SeriesInfo] = []
            var after: Int64?
            while true {
                let page = try await store.series(SeriesFilter(limit: 10, afterID: after))
                seen += page
                guard page.count == 10 else { break }
                after = page.last?.id
            }
            #expect(seen.count == 25)
            #expect(Set(seen.map(\.series)) == Set(list))
            #expect(seen.map(\.id) == seen.map(\.id).sorted())
            // Cursors at the ends of Int64 (from a client) neither trap nor skip.
            #expect(try await store.series(SeriesFilter(afterID: .max)).isEmpty)
            #expect(try await store.series(SeriesFilter(afterID: .min)).count == 25)
            let line = try await store.series(SeriesFilter(line: "line-1", limit: 3))
            #expect(line.count == 3 && line.allSatisfy { $0.series.line == "line-1" })
        }
    }

    @Test("series summaries keep count, first and last ts and the value at the latest ts", arguments: StoreBackend.all)
    func seriesSummary(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            _ = try await store.ingest(
                makeBatch(edge: "seoul-a", seq: 2, [(Self.press, baseTime + 5_000, 5), (Self.press, baseTime + 3_000, 3)]),
                receivedAtMillis: baseTime)
            // An older batch arriving late must not move last_value back.
            _ = try await store.ingest(
                makeBatch(edge: "seoul-a", seq: 1, [(Self.press, baseTime + 1_000, 1), (Self.press, baseTime + 2_000, 2)]),
                receivedAtMillis: baseTime)
            let info = try #require(try await store.series(SeriesFilter()).first)
            #expect(info.series == Self.press)
            #expect(info.count == 4)
            #expect(info.firstTs == baseTime + 1_000)
            #expect(info.lastTs == baseTime + 5_000)
            #expect(info.lastValue == 5)
        }
    }

    @Test("sites list their lines and devices with series counts and the newest ts", arguments: StoreBackend.all)
    func sites(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            #expect(try await store.sites().isEmpty)
            let vibration = series("seoul", "line-1", "press-07", "vibration", "mm/s")
            _ = try await store.ingest(
                makeBatch(edge: "seoul-a", seq: 1, [
                    (Self.press, baseTime, 1), (vibration, baseTime + 10, 2), (Self.furnace, baseTime + 20, 3),
                ]), receivedAtMillis: baseTime)
            _ = try await store.ingest(
                makeBatch(edge: "gwangju-a", seq: 1, [(Self.gas, baseTime + 99, 4)]), receivedAtMillis: baseTime)
            let sites = try await store.sites()
            #expect(sites == [
                SiteSummary(name: "gwangju", lines: [.init(name: "line-1", devices: ["detector-3": 1])], lastTs: baseTime + 99),
                SiteSummary(
                    name: "seoul",
                    lines: [.init(name: "line-1", devices: ["press-07": 2]), .init(name: "line-2", devices: ["furnace-1": 1])],
                    lastTs: baseTime + 20),
            ])
        }
    }
}
