/// Head rows regrouped the way compaction writes them: per series, sorted by ts (equal ts in
/// store order), cut into clock hours, each hour run with its rollup figures, and each series'
/// totals. Pure work, no I/O; both backends compact through it.
struct CompactionLayout {
    /// One series' new readings within one hour.
    struct Run {
        var seriesID: Int64
        var hour: Int64
        var readings: SeriesBlock
        var sum: Double
        var min: Double
        var max: Double
        /// The value at the greatest ts (the one stored later on a tie).
        var last: Double
        var count: Int { readings.count }
        var lastTs: Int64 { readings.ts[readings.count - 1] }
    }

    /// What one series gained.
    struct Totals: Equatable {
        var seriesID: Int64
        var count: Int
        var firstTs: Int64
        var lastTs: Int64
        var lastValue: Double
    }

    private(set) var runs: [Run] = []
    private(set) var totals: [Totals] = []
    private(set) var readings = 0

    /// - Parameter rows: head rows in store order with their store times.
    init(_ rows: [(storedAt: Int64, row: HeadRow)]) {
        var dense: [Int64: Int] = [:]
        var ids: [Int64] = []
        var counts: [Int] = []
        for (_, row) in rows {
            for id in row.seriesID {
                if let k = dense[id] {
                    counts[k] += 1
                } else {
                    dense[id] = ids.count
                    ids.append(id)
                    counts.append(1)
                }
            }
        }
        let n = counts.reduce(0, +)
        readings = n
        var starts = [Int](repeating: 0, count: ids.count + 1)
        for k in 0..<ids.count { starts[k + 1] = starts[k] + counts[k] }
        var next = starts
        var ts = [Int64](repeating: 0, count: n)
        var value = [Double](repeating: 0, count: n)
        var seq = [Int64](repeating: -1, count: n)
        var storedAt = [Int64](repeating: 0, count: n)
        for (at, row) in rows {
            for i in 0..<row.count {
                let k = dense[row.seriesID[i]]!
                let p = next[k]
                ts[p] = row.ts[i]
                value[p] = row.value[i]
                seq[p] = row.seq[i]
                storedAt[p] = at
                next[k] = p + 1
            }
        }
        // Ascending series id: blocks and summaries are written in index order.
        for k in ids.indices.sorted(by: { ids[$0] < ids[$1] }) {
            var slice = SeriesBlock(
                ts: Array(ts[starts[k]..<starts[k + 1]]), value: Array(value[starts[k]..<starts[k + 1]]),
                seq: Array(seq[starts[k]..<starts[k + 1]]), storedAt: Array(storedAt[starts[k]..<starts[k + 1]]))
            slice.sortByTime()
            cut(seriesID: ids[k], slice)
        }
    }

    private mutating func cut(seriesID: Int64, _ block: SeriesBlock) {
        var start = 0
        while start < block.count {
            let hour = TimeMath.hourStart(block.ts[start])
            let end = hour &+ TimeMath.hour
            var run = Run(seriesID: seriesID, hour: hour, readings: SeriesBlock(), sum: 0, min: .infinity, max: -.infinity, last: 0)
            var i = start
            while i < block.count && (end < hour || block.ts[i] < end) {
                let v = block.value[i]
                run.sum += v
                run.min = Swift.min(run.min, v)
                run.max = Swift.max(run.max, v)
                i += 1
            }
            run.readings = SeriesBlock(
                ts: Array(block.ts[start..<i]), value: Array(block.value[start..<i]), seq: Array(block.seq[start..<i]),
                storedAt: Array(block.storedAt[start..<i]))
            run.last = block.value[i - 1]
            runs.append(run)
            start = i
        }
        totals.append(Totals(
            seriesID: seriesID, count: block.count, firstTs: block.ts[0], lastTs: block.ts[block.count - 1],
            lastValue: block.value[block.count - 1]))
    }
}

extension SeriesBlock {
    /// Sorts by ts, keeping store order on ties; usually already sorted, so that is checked first.
    mutating func sortByTime() {
        var sorted = true
        for i in ts.indices.dropFirst() where ts[i - 1] > ts[i] {
            sorted = false
            break
        }
        if sorted { return }
        let order = ts.indices.sorted { (ts[$0], $0) < (ts[$1], $1) }
        self = SeriesBlock(
            ts: order.map { ts[$0] }, value: order.map { value[$0] }, seq: order.map { seq[$0] },
            storedAt: order.map { storedAt[$0] })
    }
}
