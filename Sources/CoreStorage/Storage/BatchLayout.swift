public import Readings

/// A batch regrouped the way both backends store it: readings ordered by (series, ts), cut into
/// runs of one series within one clock hour, with each run's rollup and each series' totals
/// already computed, so a backend writes one block (or one array slice), one rollup upsert and
/// one summary update per run or series instead of touching every reading.
///
/// Within a series, readings with equal `ts` keep their batch order, so "last" means the later
/// one in the batch.
public struct BatchLayout: Sendable {
    /// One series' readings within one hour: `ts[range]`, `value[range]`.
    public struct Run: Sendable, Equatable {
        /// Index into ``Batch/series`` (batch-local).
        public var series: Int
        /// Start of the hour (epoch ms).
        public var hour: Int64
        public var range: Range<Int>
        public var sum: Double
        public var min: Double
        public var max: Double
        /// The value at the greatest ts (the later one in the batch on a tie).
        public var last: Double
        public var count: Int { range.count }
    }

    /// What one series gained from the batch.
    public struct SeriesTotals: Sendable, Equatable {
        /// Index into ``Batch/series`` (batch-local).
        public var series: Int
        public var count: Int
        public var firstTs: Int64
        public var lastTs: Int64
        public var lastValue: Double
    }

    /// Timestamps in (series, ts) order.
    public private(set) var ts: [Int64]
    /// Values in the same order as ``ts``.
    public private(set) var value: [Double]
    /// Device `seq` of each reading in the same order as ``ts`` (-1: none).
    public private(set) var deviceSeq: [Int64]
    /// Whether some reading carries a device `seq` (otherwise ``deviceSeq`` is all -1).
    public private(set) var hasDeviceSeq: Bool
    /// Runs in (series, hour) order.
    public private(set) var runs: [Run] = []
    /// One entry per series that has readings in the batch, in series order.
    public private(set) var totals: [SeriesTotals] = []

    /// Checks the batch's invariants and regroups it.
    /// - Throws: ``ReadingStoreError/Code/invalidBatch`` for unequal columns, an out-of-range
    ///   `sid` or a non-finite value (the core must refuse such a batch, not store half of it).
    public init(_ batch: Batch) throws(ReadingStoreError) {
        let n = batch.sid.count
        // An empty device-seq column means no reading carries one.
        guard batch.ts.count == n, batch.value.count == n, batch.deviceSeq.isEmpty || batch.deviceSeq.count == n else {
            throw ReadingStoreError(.invalidBatch, "\(batch.edge):\(batch.seq): columns differ in length (sid \(n), ts \(batch.ts.count), value \(batch.value.count), dseq \(batch.deviceSeq.count))")
        }
        let withSeq = batch.deviceSeq.contains { $0 >= 0 }
        let seriesCount = batch.series.count
        // A series listed twice is one series: fold later entries onto the first, so each stored
        // series gets one summary update and one upsert per hour (PostgreSQL's ON CONFLICT
        // refuses to touch a row twice in one statement).
        var firstIndex: [Series: Int] = [:]
        var canonical = [Int](repeating: 0, count: seriesCount)
        for (k, series) in batch.series.enumerated() {
            canonical[k] = firstIndex[series] ?? k
            if firstIndex[series] == nil { firstIndex[series] = k }
        }
        // Counting sort by sid: stable, O(n), and no comparison sort for the common case.
        var starts = [Int](repeating: 0, count: seriesCount + 1)
        for sid in batch.sid {
            guard Int(sid) < seriesCount else {
                throw ReadingStoreError(.invalidBatch, "\(batch.edge):\(batch.seq): sid \(sid) outside its \(seriesCount) series")
            }
            starts[canonical[Int(sid)] + 1] += 1
        }
        for k in 0..<seriesCount { starts[k + 1] += starts[k] }
        var ts = [Int64](repeating: 0, count: n)
        var value = [Double](repeating: 0, count: n)
        var deviceSeq = [Int64](repeating: -1, count: withSeq ? n : 0)
        var next = starts
        for i in 0..<n {
            let v = batch.value[i]
            guard v.isFinite else {
                throw ReadingStoreError(.invalidBatch, "\(batch.edge):\(batch.seq): non-finite value at index \(i)")
            }
            let k = canonical[Int(batch.sid[i])]
            ts[next[k]] = batch.ts[i]
            value[next[k]] = v
            if withSeq { deviceSeq[next[k]] = max(batch.deviceSeq[i], -1) }
            next[k] += 1
        }
        for k in 0..<seriesCount where starts[k] < starts[k + 1] {
            Self.sortByTime(&ts, &value, &deviceSeq, starts[k]..<starts[k + 1])
        }
        if !withSeq { deviceSeq = [Int64](repeating: -1, count: n) }
        self.ts = ts
        self.value = value
        self.deviceSeq = deviceSeq
        self.hasDeviceSeq = withSeq
        for k in 0..<seriesCount where starts[k] < starts[k + 1] {
            cut(series: k, starts[k]..<starts[k + 1])
        }
    }

    /// Sorts one series' slice by ts, keeping batch order on ties; edges usually send readings
    /// in order, so the check comes first and the sort is rare.
    private static func sortByTime(_ ts: inout [Int64], _ value: inout [Double], _ deviceSeq: inout [Int64], _ range: Range<Int>) {
        var sorted = true
        for i in range.dropFirst() where ts[i - 1] > ts[i] {
            sorted = false
            break
        }
        if sorted { return }
        let hasSeq = !deviceSeq.isEmpty
        var rows = range.map { (ts[$0], $0 - range.lowerBound, value[$0], hasSeq ? deviceSeq[$0] : -1) }
        rows.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        for (offset, row) in rows.enumerated() {
            ts[range.lowerBound + offset] = row.0
            value[range.lowerBound + offset] = row.2
            if hasSeq { deviceSeq[range.lowerBound + offset] = row.3 }
        }
    }

    /// Splits one series' sorted slice into hour runs and records its totals.
    private mutating func cut(series: Int, _ range: Range<Int>) {
        var start = range.lowerBound
        while start < range.upperBound {
            let hour = TimeMath.hourStart(ts[start])
            let end = hour + TimeMath.hour
            var run = Run(series: series, hour: hour, range: start..<start, sum: 0, min: .infinity, max: -.infinity, last: 0)
            var i = start
            while i < range.upperBound && ts[i] < end {
                let v = value[i]
                run.sum += v
                run.min = Swift.min(run.min, v)
                run.max = Swift.max(run.max, v)
                i += 1
            }
            run.range = start..<i
            run.last = value[i - 1]
            runs.append(run)
            start = i
        }
        totals.append(SeriesTotals(
            series: series, count: range.count, firstTs: ts[range.lowerBound], lastTs: ts[range.upperBound - 1],
            lastValue: value[range.upperBound - 1]))
    }
}
