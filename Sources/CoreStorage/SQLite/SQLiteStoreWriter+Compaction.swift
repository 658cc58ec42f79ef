import Readings
import SQLite

extension SQLiteStoreWriter {
    /// Moves the oldest head rows (about `maxReadings` readings, at least one row) into
    /// compressed per-series hour blocks, rollups and series summaries, and deletes them from the
    /// head — all in one transaction, so a crash at any point leaves either the head rows or the
    /// blocks, never both and never neither.
    ///
    /// A series' new readings of an hour are merged into that hour's newest block while it has
    /// room (``CompactionPolicy/blockReadings``), so an hour of a slow series ends up
    /// as one block however many rounds it took.
    /// - Returns: what was compacted (zero readings when the head was empty).
    func compact(maxReadings: Int) throws -> CompactionReport {
        let db = try opened()
        let connection = db.connection
        let began = ContinuousClock.now
        // Rows to take, in store order.
        var rows: [(storedAt: Int64, row: HeadRow)] = []
        var watermark: Int64 = 0
        var taken = 0
        let select = try connection.prepare("SELECT id, stored_at, data FROM head ORDER BY id")
        while taken < maxReadings, try select.step() {
            let id = select.int64(at: 0)
            let row = try select.withBlob(at: 2) { try HeadRowCodec.decode($0, what: "head row \(id)") }
            rows.append((select.int64(at: 1), row))
            watermark = id
            taken += row.count
        }
        select.reset()
        guard !rows.isEmpty else { return CompactionReport() }
        let layout = CompactionLayout(rows)
        var report = CompactionReport(headRows: rows.count, readings: layout.readings)
        rows.removeAll()
        let blockReadings = options.compaction.blockReadings
        let remaining = try connection.transaction { () throws -> (Int, Int64?) in
            for run in layout.runs {
                report.blocksWritten += try store(run, blockReadings: blockReadings, db: db)
                try upsertRollup(run, db: db)
            }
            for totals in layout.totals {
                let update = db.updateSummary
                try update.bind(totals.seriesID, at: 1)
                try update.bind(totals.count, at: 2)
                try update.bind(totals.firstTs, at: 3)
                try update.bind(totals.lastTs, at: 4)
                try update.bind(totals.lastValue, at: 5)
                try update.run()
            }
            let delete = try connection.prepare("DELETE FROM head WHERE id <= ?1")
            try delete.bind(watermark, at: 1)
            try delete.run()
            let mark = try connection.prepare("""
                INSERT INTO meta(key, value) VALUES ('\(SQLiteStoreSchema.MetaKey.compactedThrough)', ?1)
                ON CONFLICT(key) DO UPDATE SET value = excluded.value
                """)
            try mark.bind(watermark, at: 1)
            try mark.run()
            let left = try connection.prepare("SELECT COALESCE(SUM(count), 0), MIN(stored_at) FROM head")
            defer { left.reset() }
            _ = try left.step()
            return (Int(left.int64(at: 0)), left.isNull(at: 1) ? nil : left.int64(at: 1))
        }
        // Only after the commit: a reader that copied the head before this still finds the
        // readings (its snapshot's watermark tells it which to use).
        head.trim(through: watermark, series: layout.totals.map(\.seriesID), remaining: remaining.0, oldestRemaining: remaining.1)
        let elapsed = ContinuousClock.now - began
        report.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return report
    }

    /// Writes one hour run: merged into the hour's newest block while that has room, the rest in
    /// new blocks of at most `blockReadings`. Returns how many block rows were written.
    private func store(_ run: CompactionLayout.Run, blockReadings: Int, db: Open) throws -> Int {
        var pending = run.readings
        var written = 0
        let open = db.openBlock
        try open.bind(run.seriesID, at: 1)
        try open.bind(run.hour, at: 2)
        if try open.step(), Int(open.int64(at: 1)) < blockReadings {
            let id = open.int64(at: 0)
            let old = try open.withBlob(at: 2) { try SeriesBlockCodec.decode($0, what: "block \(id) of series \(run.seriesID)") }
            open.reset()
            let room = max(0, blockReadings - old.count)
            let head = pending.prefix(room)
            pending = pending.dropping(head.count)
            let update = db.updateBlock
            try update.bind(id, at: 1)
            try Self.bindContents(old.merged(with: head), to: update, at: 2, encoded: &encoded)
            try update.run()
            written += 1
        } else {
            open.reset()
        }
        while pending.count > 0 {
            let part = pending.prefix(blockReadings)
            pending = pending.dropping(part.count)
            try Self.insert(part, series: run.seriesID, hour: run.hour, with: db.insertBlock, encoded: &encoded)
            written += 1
        }
        return written
    }

    /// Inserts `block` (sorted, non-empty) as a new block row through `statement`
    /// (`INSERT INTO blocks(series_id, hour, count, min_ts, max_ts, data)`): one place for both
    /// compaction and the schema-2 conversion.
    static func insert(
        _ block: SeriesBlock, series: Int64, hour: Int64, with statement: SQLiteStatement, encoded: inout ColumnWriter
    ) throws {
        try statement.bind(series, at: 1)
        try statement.bind(hour, at: 2)
        try bindContents(block, to: statement, at: 3, encoded: &encoded)
        try statement.run()
    }

    /// Binds a block's `count, min_ts, max_ts, data` (sorted, non-empty; encoded here) to four
    /// parameters from `first` on: the one place both the insert and the update fill them.
    static func bindContents(_ block: SeriesBlock, to statement: SQLiteStatement, at first: Int32, encoded: inout ColumnWriter) throws {
        SeriesBlockCodec.encode(block, into: &encoded)
        try statement.bind(block.count, at: first)
        try statement.bind(block.ts[0], at: first + 1)
        try statement.bind(block.ts[block.count - 1], at: first + 2)
        try statement.bind(blob: encoded.bytes, at: first + 3)
    }

    private func upsertRollup(_ run: CompactionLayout.Run, db: Open) throws {
        let rollup = db.upsertRollup
        try rollup.bind(run.seriesID, at: 1)
        try rollup.bind(run.hour, at: 2)
        try rollup.bind(run.count, at: 3)
        try rollup.bind(run.sum, at: 4)
        try rollup.bind(run.min, at: 5)
        try rollup.bind(run.max, at: 6)
        try rollup.bind(run.last, at: 7)
        try rollup.bind(run.lastTs, at: 8)
        try rollup.run()
    }

    /// Converts schema-2 blocks (`blocks_v2`: one block per batch, format-1 columns) into
    /// format-2 blocks, one per series and hour, then drops the old table. Runs inside the
    /// opening transaction.
    static func convertVersion2Blocks(_ db: SQLiteConnection) throws {
        let old = try db.prepare("SELECT series_id, hour, count, ts, value, seq, stored_at FROM blocks_v2 ORDER BY series_id, hour, id")
        let statement = try db.prepare(
            "INSERT INTO blocks(series_id, hour, count, min_ts, max_ts, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        var encoded = ColumnWriter()
        var current: (series: Int64, hour: Int64)?
        var block = SeriesBlock()
        func flush() throws {
            guard let key = current, block.count > 0 else { return }
            block.sortByTime()
            var start = 0
            while start < block.count {
                let end = min(block.count, start + SeriesBlockCodec.maxReadings)
                let part = block.dropping(start).prefix(end - start)
                try insert(part, series: key.series, hour: key.hour, with: statement, encoded: &encoded)
                start = end
            }
            block = SeriesBlock()
        }
        while try old.step() {
            let key = (old.int64(at: 0), old.int64(at: 1))
            if current.map({ $0 != key }) ?? true {
                try flush()
                current = key
            }
            let count = Int(old.int64(at: 2))
            var ts: [Int64] = []
            var values: [Double] = []
            var seqs: [Int64] = []
            try old.withBlob(at: 3) { timestamps in
                try old.withBlob(at: 4) { raw in
                    try BlockCodec.decode(count: count, timestamps: timestamps, values: raw, into: &ts, &values)
                }
            }
            if old.isNull(at: 5) {
                seqs = [Int64](repeating: -1, count: count)
            } else {
                try old.withBlob(at: 5) { try BlockCodec.decodeSeqs(count: count, $0, into: &seqs) }
            }
            let storedAt = old.int64(at: 6)
            for i in 0..<count { block.append(ts: ts[i], value: values[i], seq: seqs[i], storedAt: storedAt) }
        }
        try flush()
        old.reset()
        try db.execute("DROP TABLE blocks_v2")
    }
}

extension SeriesBlock {
    /// The first `n` readings.
    func prefix(_ n: Int) -> SeriesBlock {
        let k = Swift.min(n, count)
        return SeriesBlock(ts: Array(ts[..<k]), value: Array(value[..<k]), seq: Array(seq[..<k]), storedAt: Array(storedAt[..<k]))
    }
}
