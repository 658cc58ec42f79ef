import Readings
import Synchronization

/// What a store keeps in memory beside its files, shared by its writer and its readers:
/// every series with its summary (count, first and last time, latest value), and the readings
/// of the head (stored batches not yet compacted into blocks), per series.
///
/// This is the head of Prometheus' TSDB in small: the head rows in the database are the durable
/// log, this is their index. It makes the page's "latest value of every series" and the series
/// listing memory lookups, and a query of recent data a copy of one series' arrays instead of a
/// scan of every recent batch. Rebuilt at open from the series table and the head rows.
///
/// Thread safety: one lock, taken once per stored batch by the writer and once per query by a
/// reader; queries copy (copy-on-write arrays), so the lock is never held for I/O.
final class StoreHead: Sendable {
    /// A series' totals over everything stored (head and blocks).
    struct Summary: Sendable, Equatable {
        var count: Int64 = 0
        var firstTs: Int64 = .max
        var lastTs: Int64 = .min
        var lastValue: Double = 0

        mutating func add(ts: Int64, value: Double) {
            count += 1
            firstTs = min(firstTs, ts)
            if ts >= lastTs {
                lastTs = ts
                lastValue = value
            }
        }
    }

    /// One series' head readings, in the order they were stored (ascending head row id).
    struct Recent: Sendable {
        var headID: [Int64] = []
        var readings = SeriesBlock()

        /// The readings of head rows after `watermark`, sorted by ts (equal ts in store order).
        func after(_ watermark: Int64) -> SeriesBlock {
            let start = headID.firstIndex { $0 > watermark } ?? headID.count
            var out = SeriesBlock()
            guard start < headID.count else { return out }
            let order = (start..<headID.count).sorted { (readings.ts[$0], $0) < (readings.ts[$1], $1) }
            out.reserve(order.count)
            for i in order {
                out.append(ts: readings.ts[i], value: readings.value[i], seq: readings.seq[i], storedAt: readings.storedAt[i])
            }
            return out
        }
    }

    struct Entry: Sendable {
        var series: Series
        var summary = Summary()
        var recent = Recent()

        mutating func add(headID: Int64, ts: Int64, value: Double, seq: Int64, storedAt: Int64) {
            summary.add(ts: ts, value: value)
            recent.headID.append(headID)
            recent.readings.append(ts: ts, value: value, seq: seq, storedAt: storedAt)
        }
    }

    struct State: Sendable {
        var entries: [Int64: Entry] = [:]
        /// Readings in the head (not yet compacted).
        var headReadings = 0
        /// Store time of the oldest head row, if any.
        var oldestHead: Int64?
    }

    private let state = Mutex(State())

    /// Adds a stored series with its persisted summary (at open, and for new series).
    func register(id: Int64, series: Series, summary: Summary = Summary()) {
        state.withLock { $0.entries[id] = Entry(series: series, summary: summary) }
    }

    /// Records a committed head row.
    func add(headID: Int64, storedAt: Int64, _ row: HeadRow) {
        state.withLock { state in
            for i in 0..<row.count {
                // Every id was registered before its head row was committed; optional chaining
                // mutates the entry in place (no copy of its arrays).
                state.entries[row.seriesID[i]]?.add(
                    headID: headID, ts: row.ts[i], value: row.value[i], seq: row.seq[i], storedAt: storedAt)
            }
            state.headReadings += row.count
            if state.oldestHead == nil { state.oldestHead = storedAt }
        }
    }

    /// Forgets head readings of rows up to `watermark` (compacted), of the given series.
    func trim(through watermark: Int64, series ids: some Sequence<Int64>, remaining: Int, oldestRemaining: Int64?) {
        state.withLock { state in
            for id in ids {
                guard var entry = state.entries.removeValue(forKey: id) else { continue }
                let cut = entry.recent.headID.firstIndex { $0 > watermark } ?? entry.recent.headID.count
                if cut == entry.recent.headID.count {
                    entry.recent = Recent()
                } else if cut > 0 {
                    entry.recent.headID.removeFirst(cut)
                    entry.recent.readings = entry.recent.readings.dropping(cut)
                }
                state.entries[id] = entry
            }
            state.headReadings = remaining
            state.oldestHead = oldestRemaining
        }
    }

    /// A copy of one series' head readings (cheap: arrays are copied on write).
    func recent(_ id: Int64) -> Recent? {
        state.withLock { $0.entries[id]?.recent }
    }

    /// How much the head holds: readings and the store time of its oldest row.
    var headSize: (readings: Int, oldest: Int64?) {
        state.withLock { ($0.headReadings, $0.oldestHead) }
    }

    /// Series that have readings and match `filter`, ascending by id, at most `filter.limit`
    /// after `filter.afterID`.
    func series(_ filter: SeriesFilter) -> [SeriesInfo] {
        let matching: [SeriesInfo] = state.withLock { state in
            var out: [SeriesInfo] = []
            for (id, entry) in state.entries where entry.summary.count > 0 && filter.matches(id: id, entry.series) {
                out.append(SeriesInfo(
                    id: id, series: entry.series, count: entry.summary.count, firstTs: entry.summary.firstTs,
                    lastTs: entry.summary.lastTs, lastValue: entry.summary.lastValue))
            }
            return out
        }
        let sorted = matching.sorted { $0.id < $1.id }
        guard let limit = filter.limit, sorted.count > limit else { return sorted }
        return Array(sorted.prefix(limit))
    }

    /// Every site with its lines and devices.
    func sites() -> [SiteSummary] {
        var builder = SiteSummaryBuilder()
        let rows: [(Series, Int64)] = state.withLock { state in
            state.entries.values.filter { $0.summary.count > 0 }.map { ($0.series, $0.summary.lastTs) }
        }
        var devices: [[String]: (series: Int, lastTs: Int64)] = [:]
        for (series, lastTs) in rows {
            let key = [series.site, series.line, series.device]
            let known = devices[key] ?? (0, .min)
            devices[key] = (known.series + 1, max(known.lastTs, lastTs))
        }
        for key in devices.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let device = devices[key]!
            builder.add(site: key[0], line: key[1], device: key[2], series: device.series, lastTs: device.lastTs)
        }
        return builder.sites
    }

    /// Readings and series with readings, for statistics.
    func totals() -> (readings: Int64, series: Int64) {
        state.withLock { state in
            var readings: Int64 = 0
            var series: Int64 = 0
            for entry in state.entries.values where entry.summary.count > 0 {
                readings += entry.summary.count
                series += 1
            }
            return (readings, series)
        }
    }
}

extension SeriesBlock {
    /// The readings after the first `n`.
    func dropping(_ n: Int) -> SeriesBlock {
        SeriesBlock(
            ts: Array(ts.dropFirst(n)), value: Array(value.dropFirst(n)), seq: Array(seq.dropFirst(n)),
            storedAt: Array(storedAt.dropFirst(n)))
    }
}

extension SeriesFilter {
    func matches(id: Int64, _ series: Series) -> Bool {
        if let afterID, id <= afterID { return false }
        if let site, series.site != site { return false }
        if let line, series.line != line { return false }
        if let device, series.device != device { return false }
        if let sensor, series.sensor != sensor { return false }
        return true
    }
}
