import CoreStore
import Readings
import SQLite
import TestSupport
import Testing

/// Opening a database written by an older build upgrades it in place.
@Suite("SQLite store migrations")
struct SQLiteStoreMigrationTests {
    @Test("a version 1 database (blocks without seq and stored_at) opens, keeps its readings and takes new ones")
    func upgradesVersionOne() async throws {
        let directory = try TemporaryDirectory(prefix: "haetae-store-migrate")
        let path = directory.file("core.db")
        let press = series("seoul", "line-1", "press-07", "temperature", "C")
        var store = try SQLiteReadingStore(path: path)
        _ = try await store.ingest(makeBatch(edge: "seoul-a", seq: 1, [(press, baseTime, 1), (press, baseTime + 1_000, 2)]), receivedAtMillis: baseTime)
        await store.close()
        // Make it what version 1 wrote.
        do {
            let db = try SQLiteConnection(path: path)
            try db.execute("ALTER TABLE blocks DROP COLUMN seq; ALTER TABLE blocks DROP COLUMN stored_at; UPDATE meta SET value = 1 WHERE key = 'schema_version'")
        }

        store = try SQLiteReadingStore(path: path)
        let id = try #require(try await store.series(SeriesFilter()).first?.id)
        #expect(try await store.readings(series: id, from: baseTime, to: baseTime + hour, step: nil, aggregation: .avg).map(\.value) == [1, 2])
        var batch = makeBatch(edge: "seoul-a", seq: 2, [(press, baseTime + 2_000, 3)])
        batch.deviceSeq = [77]
        #expect(try await store.ingest(batch, receivedAtMillis: baseTime) == .stored(readings: 1))
        let delivery = try await store.delivery(series: id, from: baseTime, to: baseTime + hour, storedSince: 0)
        #expect(delivery.seq == [-1, -1, 77])
        #expect(delivery.storedAt[0] == 0 && delivery.storedAt[2] > 0)
        await store.close()
        let db = try SQLiteConnection(path: path)
        #expect(try db.scalarInt("SELECT value FROM meta WHERE key = 'schema_version'") == 2)
    }
}
