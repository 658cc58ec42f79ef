import Foundation
public import Readings
import SQLite

/// The sending side of the spool: lists sealed batches oldest first, reads their bodies and
/// deletes them once the core has acknowledged them.
///
/// It opens its own read-write connection to the spool file, so the forwarder never shares the
/// writer thread's connection. The file is in WAL mode: reads never block the writer, and a
/// delete waits (SQLite busy timeout) for the writer's group commit to finish, never the other
/// way round for longer than one short `DELETE`. The writer (``Spool``) notices deletions made
/// here before its next commit (through `PRAGMA data_version`), so its counts stay right.
///
/// Used by one task at a time (the forwarder's loop); not `Sendable`.
///
/// ```swift
/// let outbox = try SpoolOutbox(path: configuration.spool.path)
/// for batch in try outbox.waiting(after: 0, limit: 16) {
///     let body = try outbox.body(seq: batch.seq)   // nil if drop-oldest took it meanwhile
///     …
/// }
/// try outbox.delete(seqs: [1, 2])
/// ```
public final class SpoolOutbox {
    let database: SQLiteConnection
    private let listWaiting: SQLiteStatement
    private let selectBody: SQLiteStatement
    private let deleteBatch: SQLiteStatement
    private let selectSeries: SQLiteStatement

    /// Opens the spool at `path`, which the writer (``Spool``) has already created.
    public init(path: String, busyTimeoutMillis: Int32 = 10_000) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SpoolReaderError.missing(path: path)
        }
        database = try SQLiteConnection(path: path, mode: .readWrite, busyTimeoutMillis: busyTimeoutMillis)
        // Deletes need not be fsynced at once: losing one in a power cut only resends a batch
        // the core already has (it answers 200 to a repeat).
        try database.execute("PRAGMA synchronous=NORMAL")
        listWaiting = try database.prepare(
            "SELECT seq, n, first_ts, last_ts, sealed_ms, spool FROM batches WHERE seq > ? ORDER BY seq LIMIT ?")
        selectBody = try database.prepare("SELECT body, keys FROM batches WHERE seq = ?")
        selectSeries = try database.prepare("SELECT site, line, device, sensor, unit FROM series WHERE id = ?")
        deleteBatch = try database.prepare("DELETE FROM batches WHERE seq = ? RETURNING n")
    }

    /// Sealed batches with a sequence number above `seq`, oldest first, without their bodies.
    public func waiting(after seq: Int64, limit: Int) throws -> [SealedBatch] {
        try listWaiting.bind([.integer(seq), .integer(Int64(limit))])
        defer { listWaiting.reset() }
        var batches: [SealedBatch] = []
        while try listWaiting.step() {
            batches.append(SealedBatch(
                seq: listWaiting.int64(at: 0), readings: Int(listWaiting.int64(at: 1)),
                firstTs: listWaiting.int64(at: 2), lastTs: listWaiting.int64(at: 3), sealedMillis: listWaiting.int64(at: 4),
                spool: listWaiting.isNull(at: 5) ? nil : listWaiting.int64(at: 5)))
        }
        return batches
    }

    /// The encoded body (columnar JSON, DESIGN §3.4) of batch `seq`; nil when it is no longer
    /// there (the byte limit's `drop-oldest` deleted it, or it was already acknowledged).
    public func body(seq: Int64) throws -> [UInt8]? {
        try stored(seq: seq)?.body
    }

    /// Batch `seq` as stored: its body and, for a batch naming its series by the spool's
    /// dictionary, the keys it uses; nil when it is no longer there.
    public func stored(seq: Int64) throws -> StoredBatch? {
        try selectBody.bind(seq, at: 1)
        defer { selectBody.reset() }
        guard try selectBody.step() else { return nil }
        let keys = selectBody.isNull(at: 1) ? nil : selectBody.withBlob(at: 1) { ChunkCodec.integers($0, as: UInt32.self) }
        return StoredBatch(body: selectBody.blob(at: 0), keys: keys)
    }

    /// What the spool's dictionary keys mean, for ``Readings/BatchCodec/addingDefinitions(_:to:)``.
    /// - Throws: ``SpoolError/inconsistent(_:)`` for a key the spool does not define.
    public func definitions(of keys: some Sequence<UInt32>) throws -> [SeriesDefinition] {
        var definitions: [SeriesDefinition] = []
        for key in keys {
            try selectSeries.bind(Int64(key), at: 1)
            defer { selectSeries.reset() }
            guard try selectSeries.step() else { throw SpoolError.inconsistent("a batch uses series key \(key), which the spool does not define") }
            definitions.append(SeriesDefinition(key: key, series: Series(
                site: selectSeries.string(at: 0), line: selectSeries.string(at: 1), device: selectSeries.string(at: 2),
                sensor: selectSeries.string(at: 3), unit: selectSeries.string(at: 4))))
        }
        return definitions
    }

    /// Deletes acknowledged batches in one transaction; seqs no longer there are skipped.
    /// - Returns: the readings the deleted batches held.
    @discardableResult
    public func delete(seqs: [Int64]) throws -> Int {
        guard !seqs.isEmpty else { return 0 }
        return try database.transaction {
            var readings = 0
            for seq in seqs {
                try deleteBatch.bind(seq, at: 1)
                defer { deleteBatch.reset() }
                while try deleteBatch.step() { readings += Int(deleteBatch.int64(at: 0)) }
            }
            return readings
        }
    }

    /// What waits to be sent: sealed batches only (the open batch is not sendable yet).
    public func backlog() throws -> SpoolBacklog {
        let statement = try database.prepare("SELECT count(*), coalesce(sum(n), 0), min(sealed_ms), min(first_ts) FROM batches")
        _ = try statement.step()
        return SpoolBacklog(
            batches: statement.int64(at: 0), readings: statement.int64(at: 1),
            oldestSealedMillis: statement.isNull(at: 2) ? nil : statement.int64(at: 2),
            oldestReadingMillis: statement.isNull(at: 3) ? nil : statement.int64(at: 3))
    }
}

/// A sealed batch's body as the spool keeps it.
public struct StoredBatch: Sendable, Equatable {
    /// The encoded batch (DESIGN §3.4); a dictionary batch carries no definitions here.
    public var body: [UInt8]
    /// The dictionary keys the batch uses, ascending, once each; nil for an inline batch.
    public var keys: [UInt32]?
}

/// A sealed batch as listed by ``SpoolOutbox``, without its body.
public struct SealedBatch: Sendable, Equatable {
    /// The batch number (the `seq` in the body and in the `Idempotency-Key`), from 1 in each spool file.
    public var seq: Int64
    public var readings: Int
    /// Smallest and largest reading time stamp, epoch milliseconds.
    public var firstTs: Int64
    public var lastTs: Int64
    /// When it was sealed, epoch milliseconds (forward latency runs from here).
    public var sealedMillis: Int64
    /// The spool's id written into the body (``Readings/Batch/spool``); nil for a batch sealed
    /// before spool ids.
    public var spool: Int64?

    public init(seq: Int64, readings: Int, firstTs: Int64, lastTs: Int64, sealedMillis: Int64, spool: Int64? = nil) {
        self.seq = seq
        self.spool = spool
        self.readings = readings
        self.firstTs = firstTs
        self.lastTs = lastTs
        self.sealedMillis = sealedMillis
    }
}

/// Sealed batches waiting for the forwarder.
public struct SpoolBacklog: Sendable, Equatable {
    public var batches: Int64
    public var readings: Int64
    /// When the oldest waiting batch was sealed; nil when none waits.
    public var oldestSealedMillis: Int64?
    /// The oldest reading time stamp among the waiting batches.
    public var oldestReadingMillis: Int64?
}
