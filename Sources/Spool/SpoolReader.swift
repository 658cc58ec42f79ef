import Foundation
public import Readings
import SQLite

/// Read-only access to a spool file, safe while the gateway writes to it (WAL mode).
public final class SpoolReader {
    let database: SQLiteConnection

    /// Opens the spool at `path` read-only; fails with a clear error when it does not exist.
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SpoolReaderError.missing(path: path)
        }
        database = try SQLiteConnection(path: path, mode: .readOnly)
    }

    /// Counts what the spool holds.
    public func stats() throws -> SpoolStats {
        try snapshot { try readStats() }
    }

    private func readStats() throws -> SpoolStats {
        let batches = try database.prepare("SELECT count(*), coalesce(sum(n), 0), min(first_ts) FROM batches")
        _ = try batches.step()
        let chunks = try database.prepare("SELECT coalesce(sum(n), 0), min(first_ts) FROM chunks")
        _ = try chunks.step()
        let oldest = [batches.isNull(at: 2) ? nil : batches.int64(at: 2), chunks.isNull(at: 1) ? nil : chunks.int64(at: 1)]
            .compactMap { $0 }.min()
        let pageSize = try database.scalarInt("PRAGMA page_size")
        let pages = try database.scalarInt("PRAGMA page_count")
        let free = try database.scalarInt("PRAGMA freelist_count")
        return SpoolStats(
            readings: batches.int64(at: 1) + chunks.int64(at: 0),
            batches: batches.int64(at: 0),
            openReadings: chunks.int64(at: 0),
            bytes: (pages - free) * pageSize,
            oldestTs: oldest,
            droppedReadings: try database.scalarInt("SELECT value FROM meta WHERE key = 'dropped_readings'"),
            rejectsKept: try database.scalarInt("SELECT count(*) FROM rejects"))
    }

    /// Calls `body` for every spooled reading: sealed batches in order, then the open batch.
    public func forEachReading(_ body: (SpooledReading) throws -> Void) throws {
        try snapshot { try readReadings(body) }
    }

    /// Runs `body` in one read transaction: every query sees the same snapshot of the WAL, so a
    /// batch the running edge seals meanwhile is counted once (as chunks or as a batch, never
    /// neither or both).
    private func snapshot<T>(_ body: () throws -> T) throws -> T {
        try database.execute("BEGIN")
        defer { try? database.execute("COMMIT") }
        return try body()
    }

    /// Calls `body` for the readings of the newest batches sealed since `sealedSinceMillis`
    /// (newest batches first until about `maxReadings`, then given oldest first), then the open
    /// batch: what an edge restarted during a WAN cut shows of its recent past. Bounded: a spool
    /// after a long cut holds far more than that.
    public func forEachRecentReading(sealedSinceMillis: Int64, maxReadings: Int, _ body: (SpooledReading) throws -> Void) throws {
        try snapshot {
            // Only the series these readings name, looked up as met: the series table keeps every
            // series the spool ever saw.
            let lookup = try database.prepare("SELECT site, line, device, sensor, unit FROM series WHERE id = ?")
            var known: [Int64: Series?] = [:]
            let series: (Int64) throws -> Series? = { id in
                if let cached = known[id] { return cached }
                lookup.reset()
                try lookup.bind(id, at: 1)
                let found = try lookup.step()
                    ? Series(
                        site: lookup.string(at: 0), line: lookup.string(at: 1), device: lookup.string(at: 2),
                        sensor: lookup.string(at: 3), unit: lookup.string(at: 4))
                    : nil
                known[id] = found
                return found
            }
            // Newest first, stopping at the first batch sealed before the window: a spool after a
            // long cut holds many batches, and only the newest rows are read.
            let recent = try database.prepare("SELECT seq, n, sealed_ms FROM batches ORDER BY seq DESC")
            var chosen: [Int64] = []
            var readings = 0
            while readings < maxReadings, try recent.step(), recent.int64(at: 2) >= sealedSinceMillis {
                chosen.append(recent.int64(at: 0))
                readings += Int(recent.int64(at: 1))
            }
            let one = try database.prepare("SELECT seq, body FROM batches WHERE seq = ?")
            for seq in chosen.reversed() {
                one.reset()
                try one.bind(seq, at: 1)
                if try one.step() { try emitBatch(one, series: series, body) }
            }
            try emitChunks(series: series, body)
        }
    }

    private func readSeries() throws -> [Int64: Series] {
        var seriesByID: [Int64: Series] = [:]
        let series = try database.prepare("SELECT id, site, line, device, sensor, unit FROM series")
        while try series.step() {
            seriesByID[series.int64(at: 0)] = Series(
                site: series.string(at: 1), line: series.string(at: 2), device: series.string(at: 3),
                sensor: series.string(at: 4), unit: series.string(at: 5))
        }
        return seriesByID
    }

    private func readReadings(_ body: (SpooledReading) throws -> Void) throws {
        let seriesByID = try readSeries()
        let series: (Int64) throws -> Series? = { seriesByID[$0] }
        let batches = try database.prepare("SELECT seq, body FROM batches ORDER BY seq")
        while try batches.step() {
            try emitBatch(batches, series: series, body)
        }
        try emitChunks(series: series, body)
    }

    /// The readings of the batch in the row `statement` is on (`seq`, `body`).
    private func emitBatch(_ statement: SQLiteStatement, series lookup: (Int64) throws -> Series?, _ body: (SpooledReading) throws -> Void) throws {
        let seq = statement.int64(at: 0)
        let batch: Batch
        do {
            batch = try statement.withBlob(at: 1) { try BatchCodec.decode(Array($0)) }
        } catch {
            throw SpoolReaderError.badBatch(seq: seq, reason: "\(error)")
        }
        for index in batch.ts.indices {
            let sid = batch.sid[index]
            let series: Series
            if batch.dictionary == nil {
                series = batch.series[Int(sid)]
            } else if let known = try lookup(Int64(sid)) {
                series = known  // dictionary keys are the spool's series ids
            } else {
                throw SpoolReaderError.badBatch(seq: seq, reason: "series key \(sid) is not in the spool's series table")
            }
            try body(SpooledReading(
                series: series, ts: batch.ts[index], value: batch.value[index],
                deviceSeq: batch.deviceSeq.isEmpty ? -1 : batch.deviceSeq[index], batchSeq: seq))
        }
    }

    /// The open batch's readings.
    private func emitChunks(series lookup: (Int64) throws -> Series?, _ body: (SpooledReading) throws -> Void) throws {
        let chunks = try database.prepare("SELECT sid, ts, value, dseq FROM chunks ORDER BY id")
        while try chunks.step() {
            let sid = chunks.withBlob(at: 0) { ChunkCodec.integers($0, as: Int64.self) }
            let ts = chunks.withBlob(at: 1) { ChunkCodec.integers($0, as: Int64.self) }
            let value = chunks.withBlob(at: 2) { ChunkCodec.doubles($0) }
            let dseq = chunks.withBlob(at: 3) { ChunkCodec.integers($0, as: Int64.self) }
            guard sid.count == ts.count, ts.count == value.count, value.count == dseq.count else {
                throw SpoolError.inconsistent("a chunk's columns differ in length (\(sid.count), \(ts.count), \(value.count), \(dseq.count))")
            }
            for index in ts.indices {
                guard let series = try lookup(sid[index]) else {
                    throw SpoolError.inconsistent("chunk refers to unknown series id \(sid[index])")
                }
                try body(SpooledReading(series: series, ts: ts[index], value: value[index], deviceSeq: dseq[index], batchSeq: nil))
            }
        }
    }

    /// The most recent rejected messages, newest first.
    public func recentRejects(limit: Int = 100) throws -> [RejectSample] {
        let statement = try database.prepare(
            "SELECT reason, topic, payload_prefix, payload_bytes, at_ms FROM rejects ORDER BY id DESC LIMIT \(limit)")
        var rejects: [RejectSample] = []
        while try statement.step() {
            guard let reason = RejectReason(rawValue: statement.string(at: 0)) else { continue }
            rejects.append(RejectSample(
                reason: reason, topic: statement.string(at: 1), payloadPrefix: statement.blob(at: 2),
                payloadBytes: Int(statement.int64(at: 3)), atMillis: statement.int64(at: 4)))
        }
        return rejects
    }
}

/// One reading as stored in the spool.
public struct SpooledReading: Sendable, Equatable {
    public var series: Series
    public var ts: Int64
    public var value: Double
    /// The device's `seq` from the payload, -1 when it sent none.
    public var deviceSeq: Int64
    /// The sealed batch holding it; nil while its batch is still open.
    public var batchSeq: Int64?
}

public enum SpoolReaderError: Error, CustomStringConvertible {
    case missing(path: String)
    case badBatch(seq: Int64, reason: String)

    public var description: String {
        switch self {
        case .missing(let path): "no spool at \(path) (has the edge run with this spool.path?)"
        case .badBatch(let seq, let reason): "batch \(seq) cannot be read: \(reason)"
        }
    }
}
