import NIOCore
import PostgresNIO

extension PostgresReadingStore {
    /// Moves every reading stored so far into blocks (a round at a time).
    public func compact() async throws -> CompactionReport {
        try checkOpen()
        var total = CompactionReport()
        while true {
            let round = try await compactRound(maxReadings: policy.roundReadings)
            guard round.readings > 0 else { return total }
            total.headRows += round.headRows
            total.readings += round.readings
            total.blocksWritten += round.blocksWritten
            total.seconds += round.seconds
        }
    }

    /// One round, as on SQLite (``SQLiteStoreWriter/compact(maxReadings:)``): the oldest settled
    /// head rows (about `maxReadings` readings, at least one row) become blocks, rollups and
    /// summaries, and are deleted, in one transaction — a crash leaves either the head rows or
    /// the blocks, never both and never neither. The work that needs no database (decoding,
    /// regrouping, merging, encoding) happens before and between statements, in Swift.
    func compactRound(maxReadings: Int) async throws -> CompactionReport {
        try checkOpen()
        // One round at a time in this process; a second caller finds nothing to do.
        guard compacting.withLock({ busy in
            defer { busy = true }
            return !busy
        }) else { return CompactionReport() }
        defer { compacting.withLock { $0 = false } }
        let began = ContinuousClock.now

        // Which rows: settled ids only (see HeadIDAllocator), oldest first.
        let settled = headIDs.withLock { $0.settledThrough }
        var chosen: [Int64] = []
        var taken = 0
        let sizes = try await client.query(
            "SELECT id, count FROM head WHERE id <= \(settled) ORDER BY id", logger: logger)
        for try await (id, count) in sizes.decode((Int64, Int32).self) where taken < maxReadings {
            chosen.append(id)
            taken += Int(count)
        }
        guard let watermark = chosen.last else { return CompactionReport() }
        var rows: [(storedAt: Int64, row: HeadRow)] = []
        let data = try await client.query(
            "SELECT id, stored_at, data FROM head WHERE id <= \(watermark) ORDER BY id", logger: logger)
        for try await (id, storedAt, bytes) in data.decode((Int64, Int64, ByteBuffer).self) {
            rows.append((storedAt, try bytes.withUnsafeReadableBytes { try HeadRowCodec.decode($0, what: "head row \(id)") }))
        }
        let layout = CompactionLayout(rows)
        var report = CompactionReport(headRows: rows.count, readings: layout.readings)
        rows.removeAll()
        let blockReadings = policy.blockReadings
        let logger = self.logger

        let headRows = report.headRows
        let remaining = try await transaction { connection -> (readings: Int, oldest: Int64?, blocks: Int) in
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(PostgresStoreSchema.compactionLock))", logger: logger
            ).drain()
            // Exactly the rows read above, or nothing: another compactor (only possible after
            // a lost writer lock) must not have taken them meanwhile.
            var deleted = 0
            for try await _ in try await connection.query("DELETE FROM head WHERE id <= \(watermark) RETURNING 1", logger: logger) {
                deleted += 1
            }
            guard deleted == headRows else {
                throw ReadingStoreError(
                    .unavailable, "head rows changed under compaction (\(deleted) deleted, \(headRows) read); another core writes here")
            }

            // The hour's newest block of each run, to add to while it has room.
            let runSeries = layout.runs.map(\.seriesID), runHours = layout.runs.map(\.hour)
            var open: [BlockKey: (id: Int64, count: Int, data: ByteBuffer)] = [:]
            let newest = try await connection.query("""
                SELECT DISTINCT ON (b.series_id, b.hour) b.series_id, b.hour, b.id, b.count, b.data
                FROM blocks AS b JOIN unnest(\(runSeries)::bigint[], \(runHours)::bigint[]) AS k(series_id, hour)
                    USING (series_id, hour)
                ORDER BY b.series_id, b.hour, b.id DESC
                """, logger: logger)
            for try await (series, hour, id, count, bytes) in newest.decode((Int64, Int64, Int64, Int32, ByteBuffer).self)
            where Int(count) < blockReadings {
                open[BlockKey(series: series, hour: hour)] = (id, Int(count), bytes)
            }
            var writes: [PostgresBlockWrite] = []
            for run in layout.runs {
                var pending = run.readings
                if let block = open[BlockKey(series: run.seriesID, hour: run.hour)] {
                    let old = try block.data.withUnsafeReadableBytes {
                        try SeriesBlockCodec.decode($0, what: "block \(block.id) of series \(run.seriesID)")
                    }
                    let head = pending.prefix(max(0, blockReadings - old.count))
                    pending = pending.dropping(head.count)
                    writes.append(PostgresBlockWrite(id: block.id, seriesID: run.seriesID, hour: run.hour, block: old.merged(with: head)))
                }
                while pending.count > 0 {
                    let part = pending.prefix(blockReadings)
                    pending = pending.dropping(part.count)
                    writes.append(PostgresBlockWrite(id: nil, seriesID: run.seriesID, hour: run.hour, block: part))
                }
            }
            // The encoding above may take seconds: a statement on a connection the server
            // closed meanwhile would wait forever (postgres-nio), so look first.
            try Self.checkNotClosed(connection)
            try await self.write(writes, on: connection)
            try await self.addRollups(layout, on: connection)
            try await self.addSummaries(layout, on: connection)
            let key = PostgresStoreSchema.MetaKey.compactedThrough
            try await connection.query("""
                INSERT INTO meta(key, value) VALUES (\(key), \(watermark))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, logger: logger).drain()
            var left = (readings: 0, oldest: Int64?.none, blocks: writes.count)
            for try await (count, oldest) in try await connection.query(
                "SELECT COALESCE(SUM(count), 0)::bigint, MIN(stored_at) FROM head", logger: logger
            ).decode((Int64, Int64?).self) {
                left.readings = Int(count)
                left.oldest = oldest
            }
            return left
        }
        // Only after the commit: a reader that copied the head before this still finds the
        // readings (its snapshot's watermark tells it which to use).
        head.trim(through: watermark, series: layout.totals.map(\.seriesID), remaining: remaining.readings, oldestRemaining: remaining.oldest)
        report.blocksWritten = remaining.blocks
        let elapsed = ContinuousClock.now - began
        report.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return report
    }

    private func addRollups(_ layout: CompactionLayout, on connection: PostgresConnection) async throws {
        let runs = layout.runs
        try await connection.query("""
            INSERT INTO rollup_1h AS r(series_id, hour, count, sum, min, max, last, last_ts)
            SELECT * FROM unnest(\(runs.map(\.seriesID))::bigint[], \(runs.map(\.hour))::bigint[],
                \(runs.map { Int64($0.count) })::bigint[], \(runs.map(\.sum))::float8[], \(runs.map(\.min))::float8[],
                \(runs.map(\.max))::float8[], \(runs.map(\.last))::float8[], \(runs.map(\.lastTs))::bigint[])
            ON CONFLICT (series_id, hour) DO UPDATE SET
                count = r.count + excluded.count, sum = r.sum + excluded.sum,
                min = LEAST(r.min, excluded.min), max = GREATEST(r.max, excluded.max),
                last = CASE WHEN excluded.last_ts >= r.last_ts THEN excluded.last ELSE r.last END,
                last_ts = GREATEST(r.last_ts, excluded.last_ts)
            """, logger: logger).drain()
    }

    private func addSummaries(_ layout: CompactionLayout, on connection: PostgresConnection) async throws {
        let totals = layout.totals
        // SET expressions all see the row as it was, so last_value compares with the old last_ts.
        try await connection.query("""
            UPDATE series AS s SET count = s.count + u.count, first_ts = LEAST(s.first_ts, u.first_ts),
                last_value = CASE WHEN u.last_ts >= s.last_ts THEN u.last_value ELSE s.last_value END,
                last_ts = GREATEST(s.last_ts, u.last_ts)
            FROM unnest(\(totals.map(\.seriesID))::bigint[], \(totals.map { Int64($0.count) })::bigint[],
                \(totals.map(\.firstTs))::bigint[], \(totals.map(\.lastTs))::bigint[], \(totals.map(\.lastValue))::float8[])
                AS u(id, count, first_ts, last_ts, last_value)
            WHERE s.id = u.id
            """, logger: logger).drain()
    }
}

extension PostgresReadingStore {
    /// Throws when the server closed `connection` (its next statement would never be answered).
    static func checkNotClosed(_ connection: PostgresConnection) throws(ReadingStoreError) {
        if connection.isClosed { throw ReadingStoreError(.unavailable, "the PostgreSQL connection was closed") }
    }
}

/// A series and clock hour.
struct BlockKey: Hashable {
    var series: Int64
    var hour: Int64
}
