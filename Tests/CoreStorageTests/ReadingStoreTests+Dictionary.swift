import CoreStorage
import Readings
import TestSupport
import Testing

/// Batches that name their series by the edge's dictionary (DESIGN §3.4): keys defined once,
/// used by later batches, and refused (to be sent again defined) when the store does not know them.
extension ReadingStoreTests {
    static let kiln = series("seoul", "line-2", "kiln", "temp")

    /// A dictionary batch: `readings` as (key, ts, value); `defining` the keys it defines.
    static func keyed(edge: String = "seoul-a", seq: Int64, dictionary: Int64 = 77, defining: [SeriesDefinition], _ readings: [(UInt32, Int64, Double)]) -> Batch {
        Batch(
            edge: edge, seq: seq, dictionary: dictionary, definitions: defining, sid: readings.map(\.0), ts: readings.map(\.1),
            value: readings.map(\.2), deviceSeq: readings.map { _ in -1 })
    }

    @Test("keys defined once serve later batches, and name the same series as inline batches do", arguments: StoreBackend.all)
    func dictionaryBatches(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let defs = [SeriesDefinition(key: 5, series: Self.press), SeriesDefinition(key: 900, series: Self.furnace)]
            #expect(try await store.ingest(Self.keyed(seq: 1, defining: defs, [(5, baseTime, 1), (900, baseTime, 2)]), receivedAtMillis: baseTime) == .stored(readings: 2))
            #expect(try await store.ingest(Self.keyed(seq: 2, defining: [], [(900, baseTime + 1_000, 3), (5, baseTime + 1_000, 4), (5, baseTime + 2_000, 5)]), receivedAtMillis: baseTime) == .stored(readings: 3))
            // An inline batch from another edge for the same series joins them.
            #expect(try await store.ingest(makeBatch(edge: "seoul-b", seq: 1, [(Self.press, baseTime + 3_000, 6)]), receivedAtMillis: baseTime) == .stored(readings: 1))
            let listed = try await store.series(SeriesFilter())
            #expect(Set(listed.map(\.series)) == [Self.press, Self.furnace])
            let press = try #require(listed.first { $0.series == Self.press })
            let points = try await store.readings(series: press.id, from: baseTime, to: baseTime + hour, step: nil, aggregation: .avg)
            #expect(points.map(\.value) == [1, 4, 5, 6])
            let furnace = try #require(listed.first { $0.series == Self.furnace })
            #expect(try await store.readings(series: furnace.id, from: baseTime, to: baseTime + hour, step: nil, aggregation: .avg).map(\.value) == [2, 3])
        }
    }

    @Test("a batch using an unknown key is refused whole and stores nothing; sent again defined, it is stored once", arguments: StoreBackend.all)
    func unknownKeys(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            let defs = [SeriesDefinition(key: 5, series: Self.press)]
            #expect(try await store.ingest(Self.keyed(seq: 1, defining: defs, [(5, baseTime, 1)]), receivedAtMillis: baseTime) == .stored(readings: 1))
            let bare = Self.keyed(seq: 2, defining: [], [(5, baseTime + 1, 2), (6, baseTime + 1, 3), (8, baseTime + 2, 4)])
            do {
                _ = try await store.ingest(bare, receivedAtMillis: baseTime)
                Issue.record("a batch with unknown keys was accepted")
            } catch let error as ReadingStoreError {
                #expect(error.code == .unknownSeries)
                #expect(error.message.contains("seoul-a:2") && error.message.contains("(6, 8)"), "\(error)")
            }
            // The same keys in another dictionary (a new spool) or from another edge are unknown too.
            await expectStoreError(.unknownSeries) {
                try await store.ingest(Self.keyed(seq: 3, dictionary: 78, defining: [], [(5, baseTime, 1)]), receivedAtMillis: baseTime)
            }
            await expectStoreError(.unknownSeries) {
                try await store.ingest(Self.keyed(edge: "seoul-b", seq: 3, defining: [], [(5, baseTime, 1)]), receivedAtMillis: baseTime)
            }
            #expect(try await store.statistics().batches == 1)
            #expect(try await store.statistics().readings == 1)

            let defined = Self.keyed(seq: 2, defining: [.init(key: 5, series: Self.press), .init(key: 6, series: Self.kiln), .init(key: 8, series: Self.gas)], [(5, baseTime + 1, 2), (6, baseTime + 1, 3), (8, baseTime + 2, 4)])
            #expect(try await store.ingest(defined, receivedAtMillis: baseTime) == .stored(readings: 3))
            #expect(try await store.ingest(bare, receivedAtMillis: baseTime) == .duplicate)
            #expect(try await store.statistics().readings == 4)
            #expect(Set(try await store.series(SeriesFilter()).map(\.series)) == [Self.press, Self.kiln, Self.gas])
        }
    }

    @Test("a key is never given another series; the refused batch changes nothing", arguments: StoreBackend.all)
    func keysKeepTheirSeries(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            _ = try await store.ingest(Self.keyed(seq: 1, defining: [.init(key: 5, series: Self.press)], [(5, baseTime, 1)]), receivedAtMillis: baseTime)
            let redefined = Self.keyed(seq: 2, defining: [.init(key: 5, series: Self.kiln)], [(5, baseTime + 1, 2)])
            await expectStoreError(.invalidBatch) { try await store.ingest(redefined, receivedAtMillis: baseTime) }
            // The same key in another dictionary is another key.
            #expect(try await store.ingest(Self.keyed(seq: 2, dictionary: 78, defining: [.init(key: 5, series: Self.kiln)], [(5, baseTime + 1, 2)]), receivedAtMillis: baseTime) == .stored(readings: 1))
            #expect(try await store.ingest(Self.keyed(seq: 3, defining: [.init(key: 5, series: Self.press)], [(5, baseTime + 2, 3)]), receivedAtMillis: baseTime) == .stored(readings: 1))
            // The first dictionary still works after the edge used another (the store keeps one
            // per edge in memory and reads the other back).
            #expect(try await store.ingest(Self.keyed(seq: 4, dictionary: 78, defining: [], [(5, baseTime + 3, 4)]), receivedAtMillis: baseTime) == .stored(readings: 1))
            #expect(try await store.ingest(Self.keyed(seq: 5, defining: [], [(5, baseTime + 4, 5)]), receivedAtMillis: baseTime) == .stored(readings: 1))
            let press = try #require(try await store.series(SeriesFilter()).first { $0.series == Self.press })
            #expect(try await store.readings(series: press.id, from: baseTime, to: baseTime + hour, step: nil, aggregation: .avg).map(\.value) == [1, 3, 5])
        }
    }

    @Test("a store opened again knows the dictionaries it stored (SQLite)")
    func dictionarySurvivesRestartSQLite() async throws {
        let directory = try TemporaryDirectory(prefix: "haetae-core-dict")
        defer { directory.remove() }
        var store = try SQLiteReadingStore(path: directory.file("core.db"), options: .init(synchronous: .normal), logger: testLogger)
        _ = try await store.ingest(Self.keyed(seq: 1, defining: [.init(key: 3, series: Self.gas)], [(3, baseTime, 1)]), receivedAtMillis: baseTime)
        await store.close()
        store = try SQLiteReadingStore(path: directory.file("core.db"), options: .init(synchronous: .normal), logger: testLogger)
        #expect(try await store.ingest(Self.keyed(seq: 2, defining: [], [(3, baseTime + 1, 2)]), receivedAtMillis: baseTime) == .stored(readings: 1))
        #expect(try await store.statistics().readings == 2)
        await store.close()
    }
}

extension ReadingStoreTests {
    @Test("an edge's dictionary keys are named back by series, for its own dictionary only", arguments: StoreBackend.all)
    func seriesKeysNameTheDictionary(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            #expect(try await store.seriesKeys(edge: "seoul-a", dictionary: 77).isEmpty)
            let defs = [SeriesDefinition(key: 5, series: Self.press), SeriesDefinition(key: 900, series: Self.furnace)]
            _ = try await store.ingest(Self.keyed(seq: 1, defining: defs, [(5, baseTime, 1), (900, baseTime, 2)]), receivedAtMillis: baseTime)
            _ = try await store.ingest(Self.keyed(seq: 2, defining: [.init(key: 6, series: Self.kiln)], [(6, baseTime, 1)]), receivedAtMillis: baseTime)
            _ = try await store.ingest(Self.keyed(edge: "seoul-b", seq: 1, defining: [.init(key: 5, series: Self.kiln)], [(5, baseTime, 1)]), receivedAtMillis: baseTime)
            #expect(try await store.seriesKeys(edge: "seoul-a", dictionary: 77) == [5: Self.press, 900: Self.furnace, 6: Self.kiln])
            #expect(try await store.seriesKeys(edge: "seoul-b", dictionary: 77) == [5: Self.kiln])
            #expect(try await store.seriesKeys(edge: "seoul-a", dictionary: 78).isEmpty)
        }
    }
}

extension ReadingStoreTests {
    @Test("device registry records are kept, each device's replacing the one before, and listed by place", arguments: StoreBackend.all)
    func deviceRecords(_ backend: StoreBackend) async throws {
        try await withStore(backend) { store in
            #expect(try await store.devices().isEmpty)
            try await store.record(devices: [])
            try await store.record(devices: [
                StoredDevice(site: "seoul", line: "line1", device: "press-02", json: #"{"v":1}"#),
                StoredDevice(site: "seoul", line: "line1", device: "press-01", json: #"{"v":1}"#),
            ])
            try await store.record(devices: [StoredDevice(site: "seoul", line: "line1", device: "press-01", json: #"{"v":2}"#)])
            let kept = try await store.devices()
            #expect(kept.map(\.device) == ["press-01", "press-02"])
            #expect(kept.first?.json == #"{"v":2}"#)
            // Many at once (more than one statement's worth for PostgreSQL).
            try await store.record(devices: (0..<2_500).map { StoredDevice(site: "gwangju", line: "l", device: "d\($0)", json: "{}") })
            #expect(try await store.devices().count == 2_502)
        }
    }
}
