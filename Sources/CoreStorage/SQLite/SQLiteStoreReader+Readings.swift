import SQLite

extension SQLiteStoreReader {
    func readings(series: Int64, from: Int64, to: Int64, step: Int64?, aggregation: Aggregation, limit: Int) throws -> ReadingsPage {
        guard from < to else { return ReadingsPage(points: []) }
        // The head copy comes before the snapshot: a compaction that commits in between is then
        // seen by the snapshot, and its readings are taken from blocks, not twice.
        let recent = head.recent(series)
        return try snapshot { db in
            let horizon = try db.prepare("SELECT value FROM meta WHERE key = '\(SQLiteStoreSchema.MetaKey.rawHorizon)'")
            let rawHorizon = try horizon.step() ? horizon.int64(at: 0) : Int64.min
            let plan = QueryPlan(from: from, to: to, step: step, rawHorizon: rawHorizon)
            var read = SeriesSnapshot()
            read.head = recent?.after(try compactedThrough(db)) ?? SeriesBlock()
            var budget = step == nil ? BlockBudget(limit: limit, range: plan.raw) : nil
            read.blocks = try blocks(db, series: series, range: plan.raw, budget: &budget)
            if step != nil && !plan.rollupHours.isEmpty {
                let rollups = try db.prepare("""
                    SELECT hour, count, sum, min, max, last, last_ts FROM rollup_1h
                    WHERE series_id = ?1 AND hour >= ?2 AND hour < ?3 ORDER BY hour
                    """)
                try rollups.bind(series, at: 1)
                try rollups.bind(plan.rollupHours.lowerBound, at: 2)
                try rollups.bind(plan.rollupHours.upperBound, at: 3)
                while try rollups.step() {
                    read.rollups.append(SeriesSnapshot.RollupHour(
                        hour: rollups.int64(at: 0),
                        partial: Downsampler.Partial(
                            count: rollups.int64(at: 1), sum: rollups.double(at: 2), min: rollups.double(at: 3),
                            max: rollups.double(at: 4), last: rollups.double(at: 5)),
                        lastTs: rollups.int64(at: 6)))
                }
            }
            return read.points(from: from, step: step, aggregation: aggregation, plan: plan, limit: limit)
        }
    }

    /// Each block of `series` that may hold readings in `range`, decoded, in storage order;
    /// with a `budget`, only as far as its page needs.
    func blocks(_ db: SQLiteConnection, series: Int64, range: Range<Int64>, budget: inout BlockBudget?) throws -> [SeriesBlock] {
        guard !range.isEmpty else { return [] }
        let blocks = try db.prepare("""
            SELECT id, data, hour FROM blocks
            WHERE series_id = ?1 AND hour >= ?2 AND hour < ?3 AND max_ts >= ?4 AND min_ts < ?3
            ORDER BY hour, id
            """)
        try blocks.bind(series, at: 1)
        try blocks.bind(TimeMath.hourStart(range.lowerBound), at: 2)
        try blocks.bind(range.upperBound, at: 3)
        try blocks.bind(range.lowerBound, at: 4)
        var out: [SeriesBlock] = []
        while try blocks.step() {
            let id = blocks.int64(at: 0), hour = blocks.int64(at: 2)
            if let budget, !budget.wants(hour: hour) { break }
            let block = try blocks.withBlob(at: 1) { try SeriesBlockCodec.decode($0, what: "block \(id) of series \(series)") }
            budget?.took(block, hour: hour)
            out.append(block)
        }
        return out
    }
}
