import Readings
import SitePage

/// What an edge's site page shows of its readings, kept in memory so the page keeps working
/// while the WAN to the core is cut (the spool deletes what the core took): per series its name,
/// its latest reading, how many arrived, and a short history of 30-second averages over the last
/// 15 minutes (the core keeps the fine-grained history). Pure: fed with the spool writer's hand-offs (``record(_:)``), read by the page's
/// routes.
///
/// Indexed by the decoder's series ids, as the hand-offs are: it applies their renumbering (idle
/// series forgotten) and their new series exactly as the spool does. Bounded by the decoder's
/// `ingest.max_series`; about 250 bytes a series (its names, and the history as 30 `Float`s:
/// 32-bit is plenty for a line on a chart). A reading older than its series' newest bucket still counts and may
/// be the latest by time, but is not drawn (the history only moves forward).
struct RecentReadings {
    /// The width of one history bucket.
    static let bucketMillis: Int64 = 30_000
    /// Buckets kept per series: 15 minutes.
    static let buckets = 30
    /// How far ahead of the edge's clock a reading may be and still be shown.
    static let futureToleranceMillis: Int64 = 300_000

    private var names: [Series?] = []
    private var counts: [Int64] = []
    private var firstTs: [Int64] = []
    private var lastTs: [Int64] = []
    private var lastValues: [Double] = []
    /// The newest bucket number per series (`ts / bucketMillis`); `.min` before any reading.
    private var newestBucket: [Int64] = []
    /// Sum and count of the newest bucket, written to ``history`` as they grow.
    private var bucketSum: [Double] = []
    private var bucketCount: [Int64] = []
    /// `buckets` averages per series, series after series; slot `bucket % buckets`; NaN: none.
    private var history: [Float] = []

    /// Series known.
    var seriesCount: Int { names.count }

    /// Takes one hand-off's columns: their renumbering, new series and readings, in that order.
    /// `nowMillis`: the edge's clock (readings far ahead of it are not shown).
    /// - Parameter carried: for new series, what the spool's restored readings held of the same
    ///   series (``takeOut(_:)``), keyed by the new series' id.
    mutating func record(_ columns: ReadingColumns, nowMillis: Int64, carried: [Int: Carried] = [:]) {
        let horizon = nowMillis > Int64.max - Self.futureToleranceMillis ? Int64.max : nowMillis + Self.futureToleranceMillis
        if let renumbering = columns.renumbering { renumber(renumbering) }
        for record in columns.newSeries {
            let id = Int(record.id)
            // Ids are handed out densely; one beyond the end grows every column by one series.
            while names.count <= id { appendEmpty() }
            reset(id)
            names[id] = record.series
            if let state = carried[id] { carryIn(id, state) }
        }
        for index in 0..<columns.count {
            let id = Int(columns.sid[index])
            guard id < names.count else { continue }  // never announced: not ours to show
            let ts = columns.ts[index]
            guard ts <= horizon else {
                counts[id] += 1
                continue
            }
            add(id, ts: ts, value: columns.value[index])
        }
    }

    /// Everything one series holds, carried from the restored readings to a live id.
    struct Carried {
        var count: Int64
        var firstTs: Int64
        var lastTs: Int64
        var lastValue: Double
        var newestBucket: Int64
        var bucketSum: Double
        var bucketCount: Int64
        var history: [Float]
    }

    /// Takes series `id`'s state out: it no longer lists. Nil for an id without readings.
    mutating func takeOut(_ id: Int) -> Carried? {
        guard id >= 0, id < names.count, names[id] != nil, counts[id] > 0 else { return nil }
        let base = id * Self.buckets
        let carried = Carried(
            count: counts[id], firstTs: firstTs[id], lastTs: lastTs[id], lastValue: lastValues[id], newestBucket: newestBucket[id],
            bucketSum: bucketSum[id], bucketCount: bucketCount[id], history: Array(history[base..<(base + Self.buckets)]))
        reset(id)
        names[id] = nil
        return carried
    }

    private mutating func carryIn(_ id: Int, _ carried: Carried) {
        counts[id] = carried.count
        firstTs[id] = carried.firstTs
        lastTs[id] = carried.lastTs
        lastValues[id] = carried.lastValue
        newestBucket[id] = carried.newestBucket
        bucketSum[id] = carried.bucketSum
        bucketCount[id] = carried.bucketCount
        let base = id * Self.buckets
        for (offset, value) in carried.history.prefix(Self.buckets).enumerated() { history[base + offset] = value }
    }

    private mutating func appendEmpty() {
        names.append(nil)
        counts.append(0)
        firstTs.append(.max)
        lastTs.append(.min)
        lastValues.append(.nan)
        newestBucket.append(.min)
        bucketSum.append(0)
        bucketCount.append(0)
        history.append(contentsOf: repeatElement(Float.nan, count: Self.buckets))
    }

    private mutating func reset(_ id: Int) {
        counts[id] = 0
        firstTs[id] = .max
        lastTs[id] = .min
        lastValues[id] = .nan
        newestBucket[id] = .min
        bucketSum[id] = 0
        bucketCount[id] = 0
        let base = id * Self.buckets
        for slot in base..<(base + Self.buckets) { history[slot] = .nan }
    }

    private mutating func add(_ id: Int, ts: Int64, value: Double) {
        counts[id] += 1
        if ts < firstTs[id] { firstTs[id] = ts }
        if ts >= lastTs[id] {
            lastTs[id] = ts
            lastValues[id] = value
        }
        let bucket = Self.floorDiv(ts, Self.bucketMillis)
        let newest = newestBucket[id]
        if bucket < newest { return }
        let base = id * Self.buckets
        if bucket > newest {
            // Empty the slots between the old newest bucket and this one (at most all of them).
            if newest != .min {
                let skipped = min(bucket - newest - 1, Int64(Self.buckets))
                var step: Int64 = 1
                while step <= skipped {
                    history[base + Self.slot(newest + step)] = .nan
                    step += 1
                }
            }
            newestBucket[id] = bucket
            bucketSum[id] = 0
            bucketCount[id] = 0
        }
        bucketSum[id] += value
        bucketCount[id] += 1
        history[base + Self.slot(bucket)] = Float(bucketSum[id] / Double(bucketCount[id]))
    }

    private mutating func renumber(_ renumbering: SeriesRenumbering) {
        names = renumbering.apply(to: names, missing: nil)
        counts = renumbering.apply(to: counts, missing: 0)
        firstTs = renumbering.apply(to: firstTs, missing: .max)
        lastTs = renumbering.apply(to: lastTs, missing: .min)
        lastValues = renumbering.apply(to: lastValues, missing: .nan)
        newestBucket = renumbering.apply(to: newestBucket, missing: .min)
        bucketSum = renumbering.apply(to: bucketSum, missing: 0)
        bucketCount = renumbering.apply(to: bucketCount, missing: 0)
        var moved: [Float] = []
        moved.reserveCapacity(names.count * Self.buckets)
        for (old, new) in renumbering.newIDs.enumerated() where new != SeriesRenumbering.forgotten {
            let base = old * Self.buckets
            if base + Self.buckets <= history.count {
                moved.append(contentsOf: history[base..<(base + Self.buckets)])
            } else {
                moved.append(contentsOf: repeatElement(Float.nan, count: Self.buckets))
            }
        }
        history = moved
    }

    /// What the lists of the page need, taken in O(1) (the arrays are shared, not copied, until
    /// the spool writer next changes them): the caller builds its answer outside the lock.
    var listing: Listing {
        Listing(names: names, counts: counts, firstTs: firstTs, lastTs: lastTs, lastValues: lastValues)
    }

    /// The series as they were when taken (``listing``).
    struct Listing {
        let names: [Series?]
        let counts: [Int64]
        let firstTs: [Int64]
        let lastTs: [Int64]
        let lastValues: [Double]

        /// The series of one site, line and device (nil: any) in id order, after id `after`; at
        /// most `limit`, and whether more follow (the core's paging of `/api/v1/series`).
        func series(
            site: String? = nil, line: String? = nil, device: String? = nil, after: Int = -1, limit: Int = .max
        ) -> (series: [SeriesInfo], more: Bool) {
            var out: [SeriesInfo] = []
            var id = after < 0 ? 0 : (after >= names.count ? names.count : after + 1)  // no overflow at Int.max
            while id < names.count {
                defer { id += 1 }
                guard let name = names[id], counts[id] > 0 else { continue }
                if let site, name.site != site { continue }
                if let line, name.line != line { continue }
                if let device, name.device != device { continue }
                guard out.count < limit else { return (out, true) }
                out.append(SeriesInfo(
                    id: Int64(id), series: name, count: counts[id], firstTs: firstTs[id], lastTs: lastTs[id], lastValue: lastValues[id]))
            }
            return (out, false)
        }

        /// Sites → lines → devices (with their series count), in name order, and each site's newest reading.
        func sites() -> [PageListCodec.Site] { Self.sites(of: [self]) }

        /// ``sites()`` of several listings together.
        static func sites(of listings: [Listing]) -> [PageListCodec.Site] {
            var newest: [String: Int64] = [:]
            var tree: [String: [String: [String: Int]]] = [:]
            for listing in listings {
                for (id, name) in listing.names.enumerated() {
                    guard let name, listing.counts[id] > 0 else { continue }
                    newest[name.site] = max(newest[name.site] ?? .min, listing.lastTs[id])
                    // Changed in place (a copy out and back would copy a line's devices each time).
                    tree[name.site, default: [:]][name.line, default: [:]][name.device, default: 0] += 1
                }
            }
            return tree.keys.sorted().map { siteName in
                let lines = tree[siteName] ?? [:]
                return PageListCodec.Site(name: siteName, lastTs: newest[siteName] ?? .min, lines: lines.keys.sorted().map { line in
                    let devices = lines[line] ?? [:]
                    return PageListCodec.Line(name: line, devices: devices.keys.sorted().map { ($0, devices[$0] ?? 0) })
                })
            }
        }
    }

    /// The series as ``Listing/series(site:line:device:after:limit:)`` lists them now.
    func series(
        site: String? = nil, line: String? = nil, device: String? = nil, after: Int = -1, limit: Int = .max
    ) -> (series: [SeriesInfo], more: Bool) {
        listing.series(site: site, line: line, device: device, after: after, limit: limit)
    }

    /// The sites as ``Listing/sites()`` lists them now.
    func sites() -> [PageListCodec.Site] {
        listing.sites()
    }

    /// The history of series `id` between `from` and `to` (epoch ms, `to` excluded): one point
    /// per bucket that has readings, at the bucket's start, oldest first. Empty for an unknown id.
    func points(id: Int, from: Int64, to: Int64) -> [(ts: Int64, value: Double)] {
        guard id >= 0, id < names.count, names[id] != nil, newestBucket[id] != .min, from < to else { return [] }
        let newest = newestBucket[id]
        var out: [(ts: Int64, value: Double)] = []
        var bucket = newest - Int64(Self.buckets) + 1
        while bucket <= newest {
            defer { bucket += 1 }
            // Time stamps are bounded by the decoder (years 0 to 9999); checked all the same.
            let (start, overflow) = bucket.multipliedReportingOverflow(by: Self.bucketMillis)
            guard !overflow, start <= Int64.max - Self.bucketMillis else { continue }
            let value = history[id * Self.buckets + Self.slot(bucket)]
            // A sum of huge values can overflow to infinity: not a point JSON can carry.
            if value.isFinite, start + Self.bucketMillis > from, start < to { out.append((start, Double(value))) }
        }
        return out
    }

    /// The slot of a bucket number in a series' ring.
    private static func slot(_ bucket: Int64) -> Int {
        let remainder = Int(bucket % Int64(buckets))
        return remainder < 0 ? remainder + buckets : remainder
    }

    /// Division rounding towards minus infinity (readings before 1970 stay in order).
    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }
}
