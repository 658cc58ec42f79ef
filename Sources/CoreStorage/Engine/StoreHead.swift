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

    /// One series' head readings, in the order they were added: ascending head row id on
    /// SQLite (one writer); on PostgreSQL concurrent ingests may add a later id first, so
    /// nothing here relies on the order.
    struct Recent: Sendable {
        var headID: [Int64] = []
        var readings = SeriesBlock()

        /// The readings of head rows after `watermark`, sorted by ts (equal ts by head row id,
        /// then in the order added: store order).
        func after(_ watermark: Int64) -> SeriesBlock {
            var out = SeriesBlock()
            let kept = headID.indices.filter { headID[$0] > watermark }
            guard !kept.isEmpty else { return out }
            let order = kept.sorted { (readings.ts[$0], headID[$0], $0) < (readings.ts[$1], headID[$1], $1) }
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
        /// Indexed by series id: ids are the store's own row ids, small and dense, so an array
        /// (grown on demand) finds an entry without hashing, once per stored reading.
        var entries: [Entry?] = []
        /// Readings in the head (not yet compacted).
        var headReadings = 0
        /// Store time of the oldest head row, if any.
        var oldestHead: Int64?
        /// Series ids per device name, ascending: a device's series (the page's history, the
        /// API's `?device=`) without walking every series of a 100,000-series plant.
        var byDevice: [String: [Int]] = [:]
    }

    private let state = Mutex(State())

    /// Forgets everything (before loading again, e.g. when opening is retried).
    func reset() {
        state.withLock { $0 = State() }
    }

    /// Adds a stored series with its persisted summary (at open, and for new series); a series
    /// registered already keeps its entry (two ingests may both have created it).
    func register(id: Int64, series: Series, summary: Summary = Summary()) {
        guard id >= 0, id < Int64(Int32.max) else { return }
        state.withLock { state in
            let index = Int(id)
            if index >= state.entries.count {
                state.entries.append(contentsOf: repeatElement(nil, count: max(index + 1 - state.entries.count, state.entries.count / 2)))
            }
            guard state.entries[index] == nil else { return }
            state.entries[index] = Entry(series: series, summary: summary)
            var ids = state.byDevice[series.device, default: []]
            // Ascending whatever order ids are registered in (a database may list them unordered).
            let at = ids.lastIndex { $0 < index }.map { $0 + 1 } ?? 0
            ids.insert(index, at: at)
            state.byDevice[series.device] = ids
        }
    }

    /// Records a committed head row.
    func add(headID: Int64, storedAt: Int64, _ row: HeadRow) {
        state.withLock { state in
            let count = state.entries.count
            for i in 0..<row.count {
                // Every id was registered before its head row was committed; optional chaining
                // on the array element mutates the entry in place (no copy of its arrays).
                let index = Int(row.seriesID[i])
                guard index >= 0, index < count else { continue }
                state.entries[index]?.add(
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
                let index = Int(id)
                guard index >= 0, index < state.entries.count, var entry = state.entries[index] else { continue }
                state.entries[index] = nil  // so the arrays below are uniquely referenced
                let recent = entry.recent
                if recent.headID.allSatisfy({ $0 <= watermark }) {
                    entry.recent = Recent()
                } else if let cut = recent.headID.firstIndex(where: { $0 > watermark }),
                    recent.headID[cut...].allSatisfy({ $0 > watermark })
                {
                    // The usual case: the compacted rows are a prefix.
                    entry.recent.headID.removeFirst(cut)
                    entry.recent.readings = recent.readings.dropping(cut)
                } else {
                    var kept = Recent()
                    for i in recent.headID.indices where recent.headID[i] > watermark {
                        kept.headID.append(recent.headID[i])
                        kept.readings.append(
                            ts: recent.readings.ts[i], value: recent.readings.value[i], seq: recent.readings.seq[i],
                            storedAt: recent.readings.storedAt[i])
                    }
                    entry.recent = kept
                }
                state.entries[index] = entry
            }
            state.headReadings = remaining
            state.oldestHead = oldestRemaining
        }
    }

    /// A copy of one series' head readings (cheap: arrays are copied on write).
    func recent(_ id: Int64) -> Recent? {
        state.withLock { state in
            guard id >= 0, id < Int64(state.entries.count) else { return nil }
            return state.entries[Int(id)]?.recent
        }
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
            // Pages start after `afterID` without walking the ids before it.
            let first = Int(max(0, min(filter.afterID.map { $0 == .max ? $0 : $0 + 1 } ?? 0, Int64(state.entries.count))))
            /// Adds the series at `index` if it matches; false once the page is full.
            func consider(_ index: Int) -> Bool {
                guard let entry = state.entries[index], entry.summary.count > 0, filter.matches(id: Int64(index), entry.series) else {
                    return true
                }
                if let limit = filter.limit, out.count == limit { return false }
                out.append(SeriesInfo(
                    id: Int64(index), series: entry.series, count: entry.summary.count, firstTs: entry.summary.firstTs,
                    lastTs: entry.summary.lastTs, lastValue: entry.summary.lastValue))
                return true
            }
            if let device = filter.device {
                for index in state.byDevice[device] ?? [] where index >= first {
                    guard consider(index) else { break }
                }
            } else {
                for index in first..<state.entries.count {
                    guard consider(index) else { break }
                }
            }
            return out
        }
        // Already ascending by id (the array's order), and cut at the limit.
        return matching
    }

    /// Every site with its lines and devices.
    func sites() -> [SiteSummary] {
        var builder = SiteSummaryBuilder()
        let rows: [(Series, Int64)] = state.withLock { state in
            state.entries.compactMap { $0 }.filter { $0.summary.count > 0 }.map { ($0.series, $0.summary.lastTs) }
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
            for case let entry? in state.entries where entry.summary.count > 0 {
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
