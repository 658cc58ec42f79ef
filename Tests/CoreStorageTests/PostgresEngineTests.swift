@testable import CoreStorage
import Readings
import TestSupport
import Testing

/// What is particular to the PostgreSQL backend's engine: its head across a restart, one writer
/// per database, and the upgrade of a schema-2 database (one row per reading) into blocks.
@Suite("PostgreSQL engine", .serialized)
struct PostgresEngineTests {
    static let press = series("seoul", "line-1", "press-07", "temperature", "C")
    static let furnace = series("seoul", "line-2", "furnace-1", "temperature", "C")

    /// An opened store on `server` and the task running its pool.
    struct Opened {
        let store: PostgresReadingStore
        let running: Task<Void, Never>

        func close() async {
            await store.close()
            await running.value
        }
    }

    static func open(_ server: PostgresServer, blockReadings: Int = 4_096) async throws -> Opened {
        let store = try PostgresReadingStore(
            url: server.url, compaction: CompactionPolicy(blockReadings: blockReadings, inBackground: false), logger: testLogger)
        let running = Task { await store.run() }
        do {
            try await store.migrate()
        } catch {
            await store.close()
            await running.value
            throw error
        }
        return Opened(store: store, running: running)
    }

    static func count(_ server: PostgresServer, _ sql: String) async throws -> Int64 {
        let output = try await server.psql(sql)
        return Int64(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    @Test("a store opened again knows the edge dictionaries it stored")
    func dictionarySurvivesRestart() async throws {
        let server = try await PostgresServer()
        var opened = try await Self.open(server)
        let defs = [SeriesDefinition(key: 3, series: Self.press)]
        let first = Batch(edge: "seoul-a", seq: 1, dictionary: 77, definitions: defs, sid: [3], ts: [baseTime], value: [1], deviceSeq: [-1])
        #expect(try await opened.store.ingest(first, receivedAtMillis: baseTime) == .stored(readings: 1))
        await opened.close()
        #expect(try await Self.count(server, "SELECT COUNT(*) FROM series_keys WHERE edge = 'seoul-a' AND dict = 77 AND key = 3") == 1)
        opened = try await Self.open(server)
        let second = Batch(edge: "seoul-a", seq: 2, dictionary: 77, sid: [3], ts: [baseTime + 1], value: [2], deviceSeq: [-1])
        #expect(try await opened.store.ingest(second, receivedAtMillis: baseTime) == .stored(readings: 1))
        #expect(try await opened.store.statistics().readings == 2)
        await opened.close()
        await server.stop()
    }

    @Test("batches stored but not compacted survive a restart, are queryable, and compact afterwards")
    func headSurvivesRestart() async throws {
        let server = try await PostgresServer()
        let data = RandomData(seed: 7, series: [Self.press, Self.furnace], span: 3 * hour, batchCount: 8)
        var opened = try await Self.open(server)
        for batch in data.batches[..<4] { _ = try await opened.store.ingest(batch, receivedAtMillis: baseTime) }
        #expect(try await opened.store.compact().headRows == 4)
        for batch in data.batches[4...] { _ = try await opened.store.ingest(batch, receivedAtMillis: baseTime) }
        let before = try await opened.store.series(SeriesFilter())
        await opened.close()
        #expect(try await Self.count(server, "SELECT COUNT(*) FROM head") == 4)

        opened = try await Self.open(server)
        let store = opened.store
        #expect(try await store.series(SeriesFilter()) == before)
        for info in before {
            let all = data.points[info.series]!.sorted { $0.ts < $1.ts }
            #expect(try await store.readings(series: info.id, from: baseTime, to: baseTime + 4 * hour, step: nil, aggregation: .avg) == all)
        }
        #expect(try await store.compact().headRows == 4)
        #expect(try await Self.count(server, "SELECT COUNT(*) FROM head") == 0)
        for info in before {
            let all = data.points[info.series]!.sorted { $0.ts < $1.ts }
            #expect(try await store.readings(series: info.id, from: baseTime, to: baseTime + 4 * hour, step: nil, aggregation: .avg) == all)
        }
        #expect(try await store.statistics().readings == Int64(data.points.values.map(\.count).reduce(0, +)))
        // Keys are still refused after compaction and a restart; new head ids never reuse old ones.
        #expect(try await store.ingest(data.batches[0], receivedAtMillis: baseTime) == .duplicate)
        let late = makeBatch(edge: "other-edge", seq: 1, [(Self.press, baseTime + 10, 1.5)])
        #expect(try await store.ingest(late, receivedAtMillis: baseTime) == .stored(readings: 1))
        #expect(try await Self.count(server, "SELECT MIN(id) FROM head") > 8)
        await opened.close()
        await server.stop()
    }

    @Test("concurrent ingests (ids finishing out of order) with compaction rounds running between them store and answer every reading once")
    func concurrentIngestAndCompaction() async throws {
        let server = try await PostgresServer()
        let opened = try await Self.open(server, blockReadings: 64)
        let store = opened.store
        let sensors = (0..<20).map { series("seoul", "line-1", "press-\($0)", "temperature", "C") }
        let batches = 200
        // Batch b holds one reading per sensor with device seq b, at ts b seconds.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for b in stride(from: worker, to: batches, by: 8) {
                        let readings = sensors.map { ($0, baseTime + Int64(b) * 1_000, Double(b)) }
                        var batch = makeBatch(edge: "edge-a", seq: Int64(b), readings)
                        batch.deviceSeq = [Int64](repeating: Int64(b), count: readings.count)
                        _ = try await store.ingest(batch, receivedAtMillis: baseTime)
                    }
                }
            }
            group.addTask {
                for _ in 0..<40 {
                    _ = try await store.compactRound(maxReadings: 500)
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
            try await group.waitForAll()
        }
        for pass in ["before the last compaction", "after it"] {
            for info in try await store.series(SeriesFilter()) {
                let delivery = try await store.delivery(series: info.id, from: baseTime, to: baseTime + hour, storedSince: 0)
                #expect(delivery.seq == (0..<Int64(batches)).map { $0 }, "\(info.series.device), \(pass)")
                #expect(info.count == Int64(batches))
            }
            _ = try await store.compact()
        }
        #expect(try await Self.count(server, "SELECT COUNT(*) FROM head") == 0)
        #expect(try await Self.count(server, "SELECT SUM(count) FROM blocks") == Int64(batches * sensors.count))
        await opened.close()
        await server.stop()
    }

    @Test("a second core on the same database waits as a standby until the first one closes")
    func oneWriterPerDatabase() async throws {
        let server = try await PostgresServer()
        let first = try await Self.open(server)
        let batch = makeBatch(edge: "edge-a", seq: 1, [(Self.press, baseTime, 20.5)])
        #expect(try await first.store.ingest(batch, receivedAtMillis: baseTime) == .stored(readings: 1))

        let second = try PostgresReadingStore(url: server.url, compaction: CompactionPolicy(inBackground: false), logger: testLogger)
        let running = Task { await second.run() }
        await expectStoreError(.unavailable) { try await second.migrate() }
        await expectStoreError(.unavailable) { try await second.ingest(batch, receivedAtMillis: baseTime) }
        // Refused again while the first still holds the lock (the failed attempt released nothing it did not hold).
        await expectStoreError(.unavailable) { try await second.migrate() }

        await first.close()
        try await second.migrate()
        #expect(try await second.ingest(batch, receivedAtMillis: baseTime) == .duplicate)
        #expect(try await second.series(SeriesFilter()).map(\.count) == [1])
        await second.close()
        await running.value
        await server.stop()
    }

    @Test("a schema-2 database (one row per reading) is converted into blocks, with summaries, rollups and keys kept")
    func upgradesReadingsTable() async throws {
        let server = try await PostgresServer()
        // Schema 2 as the previous release created it.
        _ = try await server.psql("""
            CREATE TABLE meta(key text PRIMARY KEY, value bigint NOT NULL);
            INSERT INTO meta VALUES ('schema_version', 2);
            CREATE TABLE series(id bigserial PRIMARY KEY, site text NOT NULL, line text NOT NULL, device text NOT NULL,
                sensor text NOT NULL, unit text NOT NULL, count bigint NOT NULL DEFAULT 0,
                first_ts bigint NOT NULL DEFAULT 9223372036854775807, last_ts bigint NOT NULL DEFAULT -9223372036854775808,
                last_value float8 NOT NULL DEFAULT 0, UNIQUE(site, line, device, sensor, unit));
            CREATE TABLE readings(series_id bigint NOT NULL, ts bigint NOT NULL, value float8 NOT NULL,
                dseq bigint NOT NULL DEFAULT -1, stored_at bigint NOT NULL DEFAULT 0);
            CREATE TABLE rollup_1h(series_id bigint NOT NULL, hour bigint NOT NULL, count bigint NOT NULL, sum float8 NOT NULL,
                min float8 NOT NULL, max float8 NOT NULL, last float8 NOT NULL, last_ts bigint NOT NULL, PRIMARY KEY(series_id, hour));
            CREATE TABLE batches(edge text NOT NULL, seq bigint NOT NULL, received_at bigint NOT NULL, readings integer NOT NULL,
                PRIMARY KEY(edge, seq));
            INSERT INTO series(site, line, device, sensor, unit, count, first_ts, last_ts, last_value)
                VALUES ('seoul', 'line-1', 'press-07', 'temperature', 'C', 10000, \(baseTime), \(baseTime + 9_999 * 1_000), 9999.5);
            INSERT INTO readings SELECT 1, \(baseTime) + i * 1000, i + 0.5, i, \(baseTime) FROM generate_series(0, 9999) AS i;
            INSERT INTO rollup_1h SELECT 1, \(baseTime) + h * 3600000, 3600, 1.0, 0.5, 9999.5, 9999.5, \(baseTime) FROM generate_series(0, 2) AS h;
            INSERT INTO batches VALUES ('edge-a', 1, \(baseTime), 10000);
            """)
        let opened = try await Self.open(server, blockReadings: 1_000)
        let store = opened.store
        #expect(try await Self.count(server, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'readings'") == 0)
        #expect(try await Self.count(server, "SELECT value FROM meta WHERE key = 'schema_version'") == 4)
        // 10,000 readings at 1 Hz over three clock hours, at most 1,000 per block.
        #expect(try await Self.count(server, "SELECT SUM(count) FROM blocks") == 10_000)
        #expect(try await Self.count(server, "SELECT MAX(count) FROM blocks") <= 1_000)
        let info = try #require(try await store.series(SeriesFilter()).first)
        #expect(info.count == 10_000 && info.lastValue == 9999.5)
        let points = try await store.readings(series: info.id, from: baseTime, to: baseTime + 3 * hour, step: nil, aggregation: .avg)
        #expect(points.count == 10_000)
        #expect(points.enumerated().allSatisfy { $0.element == Point(ts: baseTime + Int64($0.offset) * 1_000, value: Double($0.offset) + 0.5) })
        let delivery = try await store.delivery(series: info.id, from: baseTime, to: baseTime + 3 * hour, storedSince: 0)
        #expect(delivery.seq == (0..<10_000).map(Int64.init))
        #expect(try await store.ingest(makeBatch(edge: "edge-a", seq: 1, [(Self.press, baseTime, 1)]), receivedAtMillis: baseTime) == .duplicate)
        await opened.close()
        await server.stop()
    }
}

/// The head id allocator's rules, without a database.
@Suite("Head id allocator")
struct HeadIDAllocatorTests {
    @Test("compaction may take ids only up to the lowest one still in flight")
    func settlesBelowTheLowestInFlight() {
        var ids = HeadIDAllocator(after: 10)
        let a = ids.reserve(), b = ids.reserve(), c = ids.reserve()
        #expect([a, b, c] == [11, 12, 13])
        #expect(ids.settledThrough == 10)
        ids.finish(b)  // a later id finishing first settles nothing
        #expect(ids.settledThrough == 10)
        ids.finish(a)
        #expect(ids.settledThrough == 12)
        ids.finish(c)
        #expect(ids.settledThrough == 13)
        #expect(ids.reserve() == 14)
    }
}
