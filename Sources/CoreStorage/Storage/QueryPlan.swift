/// How a `readings` query splits between hourly rollups and raw readings.
///
/// - Exact: with `step` a whole number of hours and `from` on an hour, every hour lies wholly in
///   one bucket, so the hours fully inside `[from, to)` come from rollups (cheap, and still there
///   after raw retention) and only the tail after the last whole hour from raw readings.
/// - Approximate: with `step ≥ 1 h` but unaligned, buckets before the raw-retention horizon can
///   only come from rollups; each hour then counts in the bucket holding its start (or the first
///   bucket), so bucket edges are hour-accurate there. Newer buckets use raw readings.
/// - Otherwise raw readings only (what retention dropped is gone at that resolution).
struct QueryPlan: Equatable {
    /// Rollup hours `h` with `rollupHours.contains(h)` are used.
    var rollupHours: Range<Int64>
    /// Raw readings with ts in this range are used.
    var raw: Range<Int64>

    /// - Parameter rawHorizon: readings before this were dropped by retention (`Int64.min` if never).
    init(from: Int64, to: Int64, step: Int64?, rawHorizon: Int64) {
        let hour = TimeMath.hour
        guard let step, step >= hour, from < to else {
            self.init(rollupEnd: from, from: from, to: to)
            return
        }
        if step % hour == 0 && TimeMath.hourStart(from) == from {
            self.init(rollupEnd: TimeMath.hourStart(to), from: from, to: to)
        } else if rawHorizon > from {
            self.init(rollupEnd: min(TimeMath.hourCeiling(min(rawHorizon, to)), TimeMath.hourCeiling(to)), from: from, to: to)
        } else {
            self.init(rollupEnd: from, from: from, to: to)
        }
    }

    private init(rollupEnd: Int64, from: Int64, to: Int64) {
        let end = max(rollupEnd, from)
        rollupHours = end > from ? TimeMath.hourStart(from)..<end : from..<from
        raw = min(end, to)..<to
    }
}
