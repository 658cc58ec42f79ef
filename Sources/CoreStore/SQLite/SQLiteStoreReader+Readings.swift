import SQLite

extension SQLiteStoreReader {
    func readings(series: Int64, from: Int64, to: Int64, step: Int64?, aggregation: Aggregation) throws -> [Point] {
        guard from < to else { return [] }
        return try snapshot { db in
            let horizon = try db.prepare("SELECT value FROM meta WHERE key = '\(SQLiteStoreSchema.MetaKey.rawHorizon)'")
            let rawHorizon = try horizon.step() ? horizon.int64(at: 0) : Int64.min
            let plan = QueryPlan(from: from, to: to, step: step, rawHorizon: rawHorizon)
            let raw = try rawPoints(db, series: series, range: plan.raw)
            guard let step else { return raw }
            var downsampler = Downsampler(origin: from, step: step, aggregation: aggregation)
            if !plan.rollupHours.isEmpty {
                let rollups = try db.prepare("""
                    SELECT hour, count, sum, min, max, last FROM rollup_1h
                    WHERE series_id = ?1 AND hour >= ?2 AND hour < ?3 ORDER BY hour
                    """)
                try rollups.bind(series, at: 1)
                try rollups.bind(plan.rollupHours.lowerBound, at: 2)
                try rollups.bind(plan.rollupHours.upperBound, at: 3)
                while try rollups.step() {
                    let partial = Downsampler.Partial(
                        count: rollups.int64(at: 1), sum: rollups.double(at: 2), min: rollups.double(at: 3),
                        max: rollups.double(at: 4), last: rollups.double(at: 5))
                    downsampler.add(bucketStart: downsampler.bucket(of: rollups.int64(at: 0)), partial)
                }
            }
            for point in raw {
                downsampler.add(ts: point.ts, value: point.value)
            }
            return downsampler.finish()
        }
    }

    /// Raw points of `series` in `range`, ascending by ts; equal ts keep the order they were stored in.
    private func rawPoints(_ db: SQLiteConnection, series: Int64, range: Range<Int64>) throws -> [Point] {
        guard !range.isEmpty else { return [] }
        let blocks = try db.prepare("""
            SELECT count, ts, value FROM blocks
            WHERE series_id = ?1 AND hour >= ?2 AND hour < ?3 AND max_ts >= ?4 AND min_ts < ?3
            ORDER BY id
            """)
        try blocks.bind(series, at: 1)
        try blocks.bind(TimeMath.hourStart(range.lowerBound), at: 2)
        try blocks.bind(range.upperBound, at: 3)
        try blocks.bind(range.lowerBound, at: 4)
        var ts: [Int64] = []
        var values: [Double] = []
        var sorted = true
        while try blocks.step() {
            let count = Int(blocks.int64(at: 0))
            let before = ts.count
            try blocks.withBlob(at: 1) { timestamps in
                try blocks.withBlob(at: 2) { raw in
                    try BlockCodec.decode(count: count, timestamps: timestamps, values: raw, into: &ts, &values)
                }
            }
            if before > 0 && before < ts.count && ts[before - 1] > ts[before] { sorted = false }
        }
        var points: [Point] = []
        points.reserveCapacity(ts.count)
        for (t, v) in zip(ts, values) where range.contains(t) {
            points.append(Point(ts: t, value: v))
        }
        if !sorted {
            // Blocks of one hour from different batches may interleave; a stable sort keeps
            // storage order for equal timestamps.
            points = points.enumerated().sorted { ($0.element.ts, $0.offset) < ($1.element.ts, $1.offset) }.map(\.element)
        }
        return points
    }
}
