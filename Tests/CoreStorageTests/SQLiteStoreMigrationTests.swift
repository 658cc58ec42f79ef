@testable import CoreStorage
import Readings
import SQLite
import TestSupport
import Testing

/// Opening a database written by an older build upgrades it in place.
@Suite("SQLite store migrations")
struct SQLiteStoreMigrationTests {
    static let press = series("seoul", "line-1", "press-07", "temperature", "C")

    /// The tables as schema 2 had them (one block per series, hour and batch; format-1 columns).
    static let version2 = """
        CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE series(
            id INTEGER PRIMARY KEY, site TEXT NOT NULL, line TEXT NOT NULL, device TEXT NOT NULL,
            sensor TEXT NOT NULL, unit TEXT NOT NULL, count INTEGER NOT NULL DEFAULT 0,
            first_ts INTEGER NOT NULL DEFAULT 9223372036854775807,
            last_ts INTEGER NOT NULL DEFAULT -9223372036854775808, last_value REAL NOT NULL DEFAULT 0,
            UNIQUE(site, line, device, sensor, unit));
        CREATE TABLE blocks(
            id INTEGER PRIMARY KEY, series_id INTEGER NOT NULL, hour INTEGER NOT NULL, count INTEGER NOT NULL,
            min_ts INTEGER NOT NULL, max_ts INTEGER NOT NULL, ts BLOB NOT NULL, value BLOB NOT NULL, seq BLOB,
            stored_at INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX blocks_series_hour ON blocks(series_id, hour);
        CREATE TABLE rollup_1h(
            series_id INTEGER NOT NULL, hour INTEGER NOT NULL, count INTEGER NOT NULL, sum REAL NOT NULL,
            min REAL NOT NULL, max REAL NOT NULL, last REAL NOT NULL, last_ts INTEGER NOT NULL,
            PRIMARY KEY(series_id, hour)) WITHOUT ROWID;
        CREATE TABLE batches(
            edge TEXT NOT NULL, seq INTEGER NOT NULL, received_at INTEGER NOT NULL, readings INTEGER NOT NULL,
            PRIMARY KEY(edge, seq)) WITHOUT ROWID;
        CREATE TABLE alerts(
            edge TEXT NOT NULL, alert_id TEXT NOT NULL, notification TEXT NOT NULL, at INTEGER NOT NULL,
            rule TEXT NOT NULL, severity TEXT NOT NULL, status TEXT NOT NULL, site TEXT NOT NULL, line TEXT NOT NULL,
            device TEXT NOT NULL, sensor TEXT NOT NULL, value REAL, started_at INTEGER NOT NULL, ended_at INTEGER,
            json TEXT NOT NULL, PRIMARY KEY(edge, alert_id, notification, at)) WITHOUT ROWID;
        INSERT INTO meta VALUES ('schema_version', 2);
        INSERT INTO series(id, site, line, device, sensor, unit, count, first_ts, last_ts, last_value)
            VALUES (1, 'seoul', 'line-1', 'press-07', 'temperature', 'C', 3, \(baseTime), \(baseTime + 2_000), 3);
        INSERT INTO batches VALUES ('seoul-a', 1, \(baseTime), 2), ('seoul-a', 2, \(baseTime), 1);
        """

    /// Writes a schema-2 database holding three readings of one series in two old blocks.
    static func makeVersion2(_ path: String, withSeq: Bool = true) throws {
        let db = try SQLiteConnection(path: path)
        try db.execute(version2)
        let insert = try db.prepare("INSERT INTO blocks(series_id, hour, count, min_ts, max_ts, ts, value, seq, stored_at) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        for (ts, values, seqs, storedAt) in [([baseTime + 1_000, baseTime + 2_000], [2.0, 3.0], [Int64(11), 12], Int64(500)), ([baseTime], [1.0], [Int64(10)], Int64(400))] {
            var tsBytes: [UInt8] = []
            var valueBytes: [UInt8] = []
            var seqBytes: [UInt8] = []
            ts.withUnsafeBufferPointer { BlockCodec.encodeTimestamps($0, into: &tsBytes) }
            values.withUnsafeBufferPointer { BlockCodec.encodeValues($0, into: &valueBytes) }
            seqs.withUnsafeBufferPointer { BlockCodec.encodeSeqs($0, into: &seqBytes) }
            try insert.bind(baseTime, at: 1)
            try insert.bind(ts.count, at: 2)
            try insert.bind(ts[0], at: 3)
            try insert.bind(ts[ts.count - 1], at: 4)
            try insert.bind(blob: tsBytes, at: 5)
            try insert.bind(blob: valueBytes, at: 6)
            if withSeq { try insert.bind(blob: seqBytes, at: 7) } else { try insert.bindNull(at: 7) }
            try insert.bind(withSeq ? storedAt : 0, at: 8)
            try insert.run()
        }
    }

    @Test("a version 2 database (one block per batch) opens as version 4 with its readings, seqs and store times in one block")
    func upgradesVersionTwo() async throws {
        let directory = try TemporaryDirectory(prefix: "haetae-store-migrate")
        defer { directory.remove() }
        let path = directory.file("core.db")
        try Self.makeVersion2(path)
        let store = try SQLiteReadingStore(path: path, options: .init(compactInBackground: false))
        let info = try #require(try await store.series(SeriesFilter()).first)
        #expect(info.series == Self.press && info.count == 3 && info.lastValue == 3)
        #expect(try await store.readings(series: info.id, from: baseTime, to: baseTime + hour, step: nil, aggregation: .avg).map(\.value) == [1, 2, 3])
        let delivery = try await store.delivery(series: info.id, from: baseTime, to: baseTime + hour, storedSince: 0)
        #expect(delivery.seq == [10, 11, 12])
        #expect(delivery.storedAt == [400, 500, 500])
        // Keys survive: the old batches are still duplicates; new ones are stored.
        #expect(try await store.ingest(makeBatch(edge: "seoul-a", seq: 1, [(Self.press, baseTime, 9)]), receivedAtMillis: baseTime) == .duplicate)
        #expect(try await store.ingest(makeBatch(edge: "seoul-a", seq: 3, [(Self.press, baseTime + 3_000, 4)]), receivedAtMillis: baseTime) == .stored(readings: 1))
        _ = try await store.compact()
        #expect(try await store.readings(series: info.id, from: baseTime, to: baseTime + hour, step: nil, aggregation: .avg).map(\.value) == [1, 2, 3, 4])
        await store.close()
        let db = try SQLiteConnection(path: path)
        #expect(try db.scalarInt("SELECT value FROM meta WHERE key = 'schema_version'") == 4)
        #expect(try db.scalarInt("SELECT COUNT(*) FROM blocks") == 1)
        #expect(try db.scalarInt("SELECT COUNT(*) FROM sqlite_master WHERE name = 'blocks_v2'") == 0)
    }

    @Test("a version 1 database (blocks without seq and stored_at) upgrades through versions 2 and 3 to 4")
    func upgradesVersionOne() async throws {
        let directory = try TemporaryDirectory(prefix: "haetae-store-migrate")
        defer { directory.remove() }
        let path = directory.file("core.db")
        try Self.makeVersion2(path, withSeq: false)
        do {
            let db = try SQLiteConnection(path: path)
            try db.execute("ALTER TABLE blocks DROP COLUMN seq; ALTER TABLE blocks DROP COLUMN stored_at; UPDATE meta SET value = 1 WHERE key = 'schema_version'")
        }
        let store = try SQLiteReadingStore(path: path, options: .init(compactInBackground: false))
        let id = try #require(try await store.series(SeriesFilter()).first?.id)
        #expect(try await store.readings(series: id, from: baseTime, to: baseTime + hour, step: nil, aggregation: .avg).map(\.value) == [1, 2, 3])
        let delivery = try await store.delivery(series: id, from: baseTime, to: baseTime + hour, storedSince: 0)
        #expect(delivery.seq == [-1, -1, -1])
        #expect(delivery.storedAt == [0, 0, 0])
        await store.close()
    }
}
