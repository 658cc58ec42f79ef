import Foundation
public import Logging
public import Readings
import SQLite

/// The durable spool: accepted readings are group-committed here and sealed into batches that
/// wait for the forwarder.
///
/// One `Spool` owns one read-write connection and is used by one thread (the spool writer);
/// it is deliberately not `Sendable`. Other processes (`haetae-edge spool stats`) read the same
/// file through `SpoolReader` while it runs: the database is in WAL mode. The forwarder deletes
/// acknowledged batches through its own connection (``SpoolOutbox``); the spool notices such
/// changes (`PRAGMA data_version`) and recounts before it relies on its counts.
public final class Spool {
    public let configuration: SpoolConfiguration
    let database: SQLiteConnection
    let logger: Logger

    private var open = OpenBatch()
    private var nextBatchSeq: Int64
    /// Spool series id for each decoder `SeriesID` (decoder ids are dense, from 0).
    private var spoolSeriesByDecoderID: [Int64] = []
    /// Series of a spool series id, loaded only to seal a batch inline (rare: see ``seal(_:nowMillis:)``).
    private var seriesBySpoolID: [Int64: Series] = [:]
    /// This spool's series dictionary (``Readings/Batch/dictionary``); its keys are spool series ids.
    /// It is also the spool's identity in its batches' keys (``Readings/Batch/spool``).
    public let dictionaryID: Int64
    private var storedReadings: Int64 = 0
    private var storedBatches: Int64 = 0
    /// Set when a transaction rolled back: memory no longer matches the file, so the next
    /// commit first reloads from it (and fails, without touching anything, until it can).
    private var needsReload = false

    private let insertSeries: SQLiteStatement
    private let selectSeriesID: SQLiteStatement
    private let insertChunk: SQLiteStatement
    private let insertBatch: SQLiteStatement
    private let insertReject: SQLiteStatement
    private let setMeta: SQLiteStatement
    private let dataVersion: SQLiteStatement
    /// `PRAGMA data_version` when the counts were last right; it changes only when another
    /// connection (the forwarder's) commits.
    private var countedAtVersion: Int64 = -1

    /// Opens (creating if needed) the spool and restores the open batch from its chunks.
    public init(configuration: SpoolConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        let directory = (configuration.path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let database = try SQLiteConnection(path: configuration.path)
        self.database = database
        try database.execute("PRAGMA journal_mode=WAL")
        try database.execute("PRAGMA synchronous=\(configuration.synchronous == .full ? "FULL" : "NORMAL")")
        try database.execute("PRAGMA journal_size_limit=67108864")
        try database.execute(SpoolSchema.statements)
        try SpoolSchema.upgrade(database, path: configuration.path)
        dictionaryID = try database.scalarInt("SELECT value FROM meta WHERE key = '\(SpoolSchema.MetaKey.seriesDictionary)'")

        insertSeries = try database.prepare(
            "INSERT OR IGNORE INTO series(site, line, device, sensor, unit) VALUES (?, ?, ?, ?, ?)")
        selectSeriesID = try database.prepare(
            "SELECT id FROM series WHERE site = ? AND line = ? AND device = ? AND sensor = ? AND unit = ?")
        insertChunk = try database.prepare(
            "INSERT INTO chunks(n, first_ts, opened_ms, sid, ts, value, dseq) VALUES (?, ?, ?, ?, ?, ?, ?)")
        insertBatch = try database.prepare(
            "INSERT INTO batches(seq, n, first_ts, last_ts, sealed_ms, body, keys, spool) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        insertReject = try database.prepare(
            "INSERT INTO rejects(at_ms, reason, topic, payload_prefix, payload_bytes) VALUES (?, ?, ?, ?, ?)")
        setMeta = try database.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)")
        dataVersion = try database.prepare("PRAGMA data_version")

        nextBatchSeq = 1
        try reloadState()
    }

    /// Readings currently in the spool (sealed and open).
    public var readingCount: Int64 {
        try? recountIfChangedElsewhere()
        return storedReadings + Int64(open.count)
    }
    /// Sealed batches waiting in the spool.
    public var batchCount: Int64 {
        try? recountIfChangedElsewhere()
        return storedBatches
    }

    /// Recounts the sealed batches when another connection (the forwarder deleting what the
    /// core acknowledged) changed the file since the last count. One pragma read otherwise.
    private func recountIfChangedElsewhere() throws {
        defer { dataVersion.reset() }
        guard try dataVersion.step() else { return }
        let version = dataVersion.int64(at: 0)
        guard version != countedAtVersion else { return }
        storedBatches = try database.scalarInt("SELECT count(*) FROM batches")
        storedReadings = try database.scalarInt("SELECT coalesce(sum(n), 0) FROM batches")
        countedAtVersion = version
    }

    /// Bytes the live data occupies in the database file (pages in use, not free pages).
    public func usedBytes() throws -> Int64 {
        let pageSize = try database.scalarInt("PRAGMA page_size")
        let pages = try database.scalarInt("PRAGMA page_count")
        let free = try database.scalarInt("PRAGMA freelist_count")
        return (pages - free) * pageSize
    }

    /// True when the spool holds `maxBytes` or more.
    public func isFull() throws -> Bool {
        try usedBytes() >= configuration.maxBytes
    }

    /// Group-commits one hand-off of readings and rejects in a single transaction, sealing
    /// batches that are full or old enough and enforcing the byte limit.
    @discardableResult
    public func commit(_ parts: [ReadingColumns], rejects: [RejectSample] = [], nowMillis: Int64) throws -> SpoolCommit {
        var result = SpoolCommit()
        if needsReload {
            try reloadState()
            needsReload = false
        }
        // A renumbering is not idempotent: keep the mapping it applies to, so a rolled-back
        // commit retried with the same hand-offs renumbers once.
        let mappingBefore = parts.contains { $0.renumbering != nil } ? spoolSeriesByDecoderID : nil
        do {
            try database.transaction {
                // Under the write lock: no other connection can delete between this and the commit.
                try recountIfChangedElsewhere()
                for columns in parts {
                    if let renumbering = columns.renumbering {
                        spoolSeriesByDecoderID = renumbering.apply(to: spoolSeriesByDecoderID, missing: -1)
                    }
                    for record in columns.newSeries {
                        try register(record.series, decoderID: record.id)
                    }
                    for index in 0..<columns.count {
                        open.append(
                            sid: spoolSeriesByDecoderID[Int(columns.sid[index])], ts: columns.ts[index],
                            value: columns.value[index], dseq: columns.seq[index], nowMillis: nowMillis)
                    }
                    result.readingsSpooled += columns.count
                }
                result.batchesSealed = try sealAndPersist(nowMillis: nowMillis)
                try store(rejects)
                if configuration.onFull == .dropOldest {
                    (result.droppedReadings, result.droppedBatches) = try dropOldestWhileFull(nowMillis: nowMillis)
                }
            }
        } catch {
            // The transaction rolled back: bring the in-memory state back to what is on disk
            // before anything else happens, so the caller can retry the same readings.
            needsReload = true
            if let mappingBefore { spoolSeriesByDecoderID = mappingBefore }
            throw error
        }
        return result
    }

    /// Commits one hand-off (see `commit(_:rejects:nowMillis:)`).
    @discardableResult
    public func commit(_ columns: ReadingColumns, rejects: [RejectSample] = [], nowMillis: Int64) throws -> SpoolCommit {
        try commit([columns], rejects: rejects, nowMillis: nowMillis)
    }

    /// The time stamp of the oldest reading waiting, nil when empty.
    public func oldestTimestampMillis() throws -> Int64? {
        let statement = try database.prepare(
            "SELECT min(t) FROM (SELECT first_ts AS t FROM batches WHERE seq = (SELECT min(seq) FROM batches) UNION ALL SELECT min(first_ts) FROM chunks)")
        guard try statement.step(), !statement.isNull(at: 0) else { return nil }
        return statement.int64(at: 0)
    }

    private func reloadState() throws {
        let restored = try restoredOpenBatch()
        nextBatchSeq = max(
            try database.scalarInt("SELECT value FROM meta WHERE key = '\(SpoolSchema.MetaKey.nextBatchSeq)'"),
            try database.scalarInt("SELECT coalesce(max(seq), 0) + 1 FROM batches"), 1)
        countedAtVersion = -1
        try recountIfChangedElsewhere()
        open = restored
        if !open.isEmpty {
            logger.info("restored open batch from spool", metadata: ["readings": "\(open.count)"])
        }
    }

    /// Seals by age when no new readings arrive; cheap when there is nothing to do.
    @discardableResult
    public func tick(nowMillis: Int64) throws -> SpoolCommit {
        guard needsReload || open.readingsToSeal(
            nowMillis: nowMillis, maxReadings: configuration.batchMaxReadings,
            maxAgeMillis: configuration.batchMaxAgeMillis) > 0
        else { return SpoolCommit() }
        return try commit([], nowMillis: nowMillis)
    }

    // MARK: - Series

    private func register(_ series: Series, decoderID: SeriesID) throws {
        try insertSeries.bind([
            .text(series.site), .text(series.line), .text(series.device), .text(series.sensor), .text(series.unit),
        ])
        try insertSeries.run()
        try selectSeriesID.bind([
            .text(series.site), .text(series.line), .text(series.device), .text(series.sensor), .text(series.unit),
        ])
        defer { selectSeriesID.reset() }
        guard try selectSeriesID.step() else {
            throw SpoolError.inconsistent("series \(series) missing right after insert")
        }
        let spoolID = selectSeriesID.int64(at: 0)
        let index = Int(decoderID)
        if spoolSeriesByDecoderID.count <= index {
            spoolSeriesByDecoderID.append(contentsOf: repeatElement(-1, count: index + 1 - spoolSeriesByDecoderID.count))
        }
        spoolSeriesByDecoderID[index] = spoolID
    }

    private func series(spoolID: Int64) throws -> Series {
        if let known = seriesBySpoolID[spoolID] { return known }
        let statement = try database.prepare("SELECT site, line, device, sensor, unit FROM series WHERE id = ?")
        try statement.bind(spoolID, at: 1)
        guard try statement.step() else { throw SpoolError.inconsistent("unknown series id \(spoolID)") }
        let series = Series(
            site: statement.string(at: 0), line: statement.string(at: 1), device: statement.string(at: 2),
            sensor: statement.string(at: 3), unit: statement.string(at: 4))
        seriesBySpoolID[spoolID] = series
        return series
    }

    // MARK: - Sealing

    /// Seals what is due, then mirrors the still-open readings into `chunks`.
    private func sealAndPersist(nowMillis: Int64) throws -> Int {
        var sealed = 0
        while case let n = open.readingsToSeal(
            nowMillis: nowMillis, maxReadings: configuration.batchMaxReadings,
            maxAgeMillis: configuration.batchMaxAgeMillis), n > 0
        {
            try seal(open.removeFirst(n, nowMillis: nowMillis), nowMillis: nowMillis)
            sealed += 1
        }
        if sealed > 0 {
            // Sealed readings may have come from earlier chunks: rewrite what is still open.
            try database.execute("DELETE FROM chunks")
            open.persisted = 0
        }
        if open.persisted < open.count {
            try persistChunk(from: open.persisted, nowMillis: nowMillis)
            open.persisted = open.count
        }
        return sealed
    }

    /// Seals readings as one batch that names its series by the spool's dictionary (the forwarder
    /// adds the definitions the core may lack when it sends it). A batch using a spool id too large
    /// for a dictionary key (a spool that has seen four million series) is sealed inline instead.
    private func seal(_ columns: SealedColumns, nowMillis: Int64) throws {
        var batch: Batch
        var keys: [UInt32]?
        if columns.sid.allSatisfy({ $0 >= 0 && $0 < Int64(BatchCodec.dictionaryKeyLimit) }) {
            let sid = columns.sid.map { UInt32($0) }
            batch = Batch(
                edge: configuration.edgeID, seq: nextBatchSeq, spool: dictionaryID, dictionary: dictionaryID, sid: sid,
                ts: columns.ts, value: columns.value, deviceSeq: columns.dseq)
            var distinct: [UInt32] = []
            for key in sid.sorted() where distinct.last != key { distinct.append(key) }
            keys = distinct
        } else {
            batch = try inlineBatch(columns)
        }
        batch.received = columns.receivedWindow(sealedMillis: nowMillis)
        try insertBatch.bind([
            .integer(nextBatchSeq), .integer(Int64(columns.ts.count)),
            .integer(columns.ts.min() ?? 0), .integer(columns.ts.max() ?? 0), .integer(nowMillis),
        ])
        try insertBatch.bind(blob: BatchCodec.encode(batch), at: 6)
        if let keys { try insertBatch.bind(blob: ChunkCodec.bytes(keys[...]), at: 7) } else { try insertBatch.bindNull(at: 7) }
        try insertBatch.bind(dictionaryID, at: 8)
        try insertBatch.run()
        nextBatchSeq += 1
        try setMeta.bind([.text(SpoolSchema.MetaKey.nextBatchSeq), .integer(nextBatchSeq)])
        try setMeta.run()
        storedBatches += 1
        storedReadings += Int64(columns.ts.count)
    }

    private func inlineBatch(_ columns: SealedColumns) throws -> Batch {
        var localIndex: [Int64: UInt32] = [:]
        var seriesList: [Series] = []
        var sid: [UInt32] = []
        sid.reserveCapacity(columns.sid.count)
        for spoolID in columns.sid {
            if let index = localIndex[spoolID] {
                sid.append(index)
            } else {
                let index = UInt32(seriesList.count)
                seriesList.append(try series(spoolID: spoolID))
                localIndex[spoolID] = index
                sid.append(index)
            }
        }
        return Batch(
            edge: configuration.edgeID, seq: nextBatchSeq, spool: dictionaryID, series: seriesList, sid: sid,
            ts: columns.ts, value: columns.value, deviceSeq: columns.dseq)
    }

    private func persistChunk(from start: Int, nowMillis: Int64) throws {
        let range = start..<open.count
        try insertChunk.bind([
            .integer(Int64(range.count)), .integer(open.ts[range].min() ?? 0),
            .integer(open.openedAtMillis ?? nowMillis),
        ])
        try insertChunk.bind(blob: ChunkCodec.bytes(open.sid[range]), at: 4)
        try insertChunk.bind(blob: ChunkCodec.bytes(open.ts[range]), at: 5)
        try insertChunk.bind(blob: ChunkCodec.bytes(open.value[range]), at: 6)
        try insertChunk.bind(blob: ChunkCodec.bytes(open.dseq[range]), at: 7)
        try insertChunk.run()
    }

    /// After a restart, the chunks are the open batch.
    private func restoredOpenBatch() throws -> OpenBatch {
        var open = OpenBatch()
        let statement = try database.prepare("SELECT opened_ms, sid, ts, value, dseq FROM chunks ORDER BY id")
        while try statement.step() {
            let opened = statement.int64(at: 0)
            let sid = statement.withBlob(at: 1) { ChunkCodec.integers($0, as: Int64.self) }
            let ts = statement.withBlob(at: 2) { ChunkCodec.integers($0, as: Int64.self) }
            let value = statement.withBlob(at: 3) { ChunkCodec.doubles($0) }
            let dseq = statement.withBlob(at: 4) { ChunkCodec.integers($0, as: Int64.self) }
            guard sid.count == ts.count, ts.count == value.count, value.count == dseq.count else {
                throw SpoolError.inconsistent("chunk with columns of different lengths")
            }
            for index in ts.indices {
                open.append(sid: sid[index], ts: ts[index], value: value[index], dseq: dseq[index], nowMillis: opened)
            }
        }
        open.persisted = open.count
        return open
    }

    // MARK: - Rejects

    private func store(_ rejects: [RejectSample]) throws {
        guard !rejects.isEmpty else { return }
        for reject in rejects {
            try insertReject.bind([
                .integer(reject.atMillis), .text(reject.reason.rawValue), .text(reject.topic),
                .blob(reject.payloadPrefix), .integer(Int64(reject.payloadBytes)),
            ])
            try insertReject.run()
        }
        try database.execute(
            "DELETE FROM rejects WHERE id <= (SELECT max(id) FROM rejects) - \(configuration.rejectsKept)")
    }

    // MARK: - Byte limit

    /// Deletes the oldest sealed batches until the spool is under its limit; every dropped
    /// reading is counted in `meta` (and returned for the metrics), never lost silently.
    private func dropOldestWhileFull(nowMillis: Int64) throws -> (readings: Int, batches: Int) {
        var droppedReadings = 0
        var droppedBatches = 0
        let oldest = try database.prepare("SELECT seq, n FROM batches ORDER BY seq LIMIT 1")
        while try usedBytes() > configuration.maxBytes {
            if !(try oldest.step()) {
                oldest.reset()
                // Everything is still open: seal it so it can go too.
                guard !open.isEmpty else { break }
                try seal(open.removeFirst(open.count, nowMillis: nowMillis), nowMillis: nowMillis)
                try database.execute("DELETE FROM chunks")
                continue
            }
            let seq = oldest.int64(at: 0)
            let n = oldest.int64(at: 1)
            oldest.reset()
            try database.execute("DELETE FROM batches WHERE seq = \(seq)")
            droppedReadings += Int(n)
            droppedBatches += 1
            storedReadings -= n
            storedBatches -= 1
        }
        if droppedBatches > 0 {
            try database.execute("""
                INSERT INTO meta(key, value) VALUES ('\(SpoolSchema.MetaKey.droppedReadings)', \(droppedReadings))
                ON CONFLICT(key) DO UPDATE SET value = value + excluded.value;
                INSERT INTO meta(key, value) VALUES ('\(SpoolSchema.MetaKey.droppedBatches)', \(droppedBatches))
                ON CONFLICT(key) DO UPDATE SET value = value + excluded.value;
                """)
        }
        return (droppedReadings, droppedBatches)
    }
}

/// What one group commit did, for metrics.
public struct SpoolCommit: Sendable, Equatable {
    public var readingsSpooled = 0
    public var batchesSealed = 0
    public var droppedReadings = 0
    public var droppedBatches = 0
    public init() {}
}

/// A spool whose contents contradict themselves (a bug or a damaged file).
public enum SpoolError: Error, CustomStringConvertible {
    case inconsistent(String)

    public var description: String {
        switch self {
        case .inconsistent(let what): "spool is inconsistent: \(what)"
        }
    }
}
