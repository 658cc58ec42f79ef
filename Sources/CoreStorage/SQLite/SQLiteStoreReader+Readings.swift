import SQLite

extension SQLiteStoreReader {
    func readings(series: Int64, from: Int64, to: Int64, step: Int64?, aggregation: Aggregation) throws -> [Point] {
        guard from < to else { return [] }
        // The head copy comes before the snapshot: a compaction that commits in between is then
        // seen by the snapshot, and its readings are taken from blocks, not twice.
        let recent = head.recent(series)
        return try snapshot { db in
            let horizon = try db.prepare("SELECT value FROM meta WHERE key = '\(SQLiteStoreSchema.MetaKey.rawHorizon)'")
            let rawHorizon = try horizon.step() ? horizon.int64(at: 0) : Int64.min
            let fresh = recent?.after(try compactedThrough(db)) ?? SeriesBlock()
            let plan = QueryPlan(from: from, to: to, step: step, rawHorizon: rawHorizon)
            let raw = try rawPoints(db, series: series, range: plan.raw, head: fresh)
            guard let step else { return raw }
            var downsampler = Downsampler(origin: from, step: step, aggregation: aggregation)
            if !plan.rollupHours.isEmpty {
                var hours = HourPartials()
                let rollups = try db.prepare("""
                    SELECT hour, count, sum, min, max, last, last_ts FROM rollup_1h
                    WHERE series_id = ?1 AND hour >= ?2 AND hour < ?3 ORDER BY hour
                    """)
                try rollups.bind(series, at: 1)
                try rollups.bind(plan.rollupHours.lowerBound, at: 2)
                try rollups.bind(plan.rollupHours.upperBound, at: 3)
                while try rollups.step() {
                    hours.add(hour: rollups.int64(at: 0), Downsampler.Partial(
                        count: rollups.int64(at: 1), sum: rollups.double(at: 2), min: rollups.double(at: 3),
                        max: rollups.double(at: 4), last: rollups.double(at: 5)), lastTs: rollups.int64(at: 6))
                }
                // Head readings of those hours are not in the rollups yet.
                for i in 0..<fresh.count where plan.rollupHours.contains(fresh.ts[i]) {
                    hours.add(hour: TimeMath.hourStart(fresh.ts[i]), Downsampler.Partial(fresh.value[i]), lastTs: fresh.ts[i])
                }
                for (hour, partial) in hours.ascending() {
                    downsampler.add(bucketStart: downsampler.bucket(of: hour), partial)
                }
            }
            for point in raw {
                downsampler.add(ts: point.ts, value: point.value)
            }
            return downsampler.finish()
        }
    }

    /// Raw points of `series` in `range` from its blocks and `head` (its uncompacted readings,
    /// sorted), ascending by ts; equal ts keep the order they were stored in.
    private func rawPoints(_ db: SQLiteConnection, series: Int64, range: Range<Int64>, head: SeriesBlock) throws -> [Point] {
        guard !range.isEmpty else { return [] }
        var points: [Point] = []
        var sorted = true
        try forEachBlock(db, series: series, range: range) { block in
            for i in 0..<block.count where range.contains(block.ts[i]) {
                if let last = points.last, last.ts > block.ts[i] { sorted = false }
                points.append(Point(ts: block.ts[i], value: block.value[i]))
            }
        }
        for i in 0..<head.count where range.contains(head.ts[i]) {
            if let last = points.last, last.ts > head.ts[i] { sorted = false }
            points.append(Point(ts: head.ts[i], value: head.value[i]))
        }
        if !sorted {
            // Blocks of one hour written by different rounds, or late head readings, may
            // interleave; a stable sort keeps storage order for equal timestamps.
            points = points.enumerated().sorted { ($0.element.ts, $0.offset) < ($1.element.ts, $1.offset) }.map(\.element)
        }
        return points
    }

    /// Decodes each block of `series` that may hold readings in `range`, in storage order.
    func forEachBlock(_ db: SQLiteConnection, series: Int64, range: Range<Int64>, _ body: (SeriesBlock) throws -> Void) throws {
        let blocks = try db.prepare("""
            SELECT id, data FROM blocks
            WHERE series_id = ?1 AND hour >= ?2 AND hour < ?3 AND max_ts >= ?4 AND min_ts < ?3
            ORDER BY hour, id
            """)
        try blocks.bind(series, at: 1)
        try blocks.bind(TimeMath.hourStart(range.lowerBound), at: 2)
        try blocks.bind(range.upperBound, at: 3)
        try blocks.bind(range.lowerBound, at: 4)
        while try blocks.step() {
            let id = blocks.int64(at: 0)
            let block = try blocks.withBlob(at: 1) { try SeriesBlockCodec.decode($0, what: "block \(id) of series \(series)") }
            try body(block)
        }
    }
}

/// Hour partials from rollups and head readings, merged per hour ("last" by time stamp).
struct HourPartials {
    private var hours: [Int64: (partial: Downsampler.Partial, lastTs: Int64)] = [:]

    mutating func add(hour: Int64, _ partial: Downsampler.Partial, lastTs: Int64) {
        guard var known = hours[hour] else {
            hours[hour] = (partial, lastTs)
            return
        }
        let last = lastTs >= known.lastTs ? partial.last : known.partial.last
        known.partial.merge(partial)
        known.partial.last = last
        known.lastTs = max(known.lastTs, lastTs)
        hours[hour] = known
    }

    func ascending() -> [(Int64, Downsampler.Partial)] {
        hours.keys.sorted().map { ($0, hours[$0]!.partial) }
    }
}
