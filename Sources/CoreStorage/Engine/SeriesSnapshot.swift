/// What a backend read of one series in one database snapshot, and the answers built from it:
/// both backends fetch the rows their way, then answer through this one pure implementation.
///
/// `head` holds the series' readings of head rows after that snapshot's compaction watermark
/// (``StoreHead/Recent/after(_:)``), so a reading is either in `blocks` or in `head`, never both.
struct SeriesSnapshot {
    /// One rollup row: an hour's partial aggregate and the ts of its last reading.
    struct RollupHour {
        var hour: Int64
        var partial: Downsampler.Partial
        var lastTs: Int64
    }

    /// Decoded blocks that may hold readings in the queried range, in storage order.
    var blocks: [SeriesBlock] = []
    /// Rollup rows of the plan's rollup hours, ascending.
    var rollups: [RollupHour] = []
    /// Uncompacted readings, sorted by ts.
    var head = SeriesBlock()

    /// `GET /api/v1/readings`: a page of at most `limit` raw points, or with `step` one
    /// aggregated point per bucket.
    func points(from: Int64, step: Int64?, aggregation: Aggregation, plan: QueryPlan, limit: Int = .max) -> ReadingsPage {
        let raw = rawPoints(in: plan.raw)
        guard let step else {
            let (count, next) = PageCut.cut(raw.map(\.ts), limit: limit)
            return ReadingsPage(points: count < raw.count ? Array(raw.prefix(count)) : raw, nextFrom: next)
        }
        var downsampler = Downsampler(origin: from, step: step, aggregation: aggregation)
        if !plan.rollupHours.isEmpty {
            var hours = HourPartials()
            for row in rollups {
                hours.add(hour: row.hour, row.partial, lastTs: row.lastTs)
            }
            // Head readings of those hours are not in the rollups yet.
            for i in 0..<head.count where plan.rollupHours.contains(head.ts[i]) {
                hours.add(hour: TimeMath.hourStart(head.ts[i]), Downsampler.Partial(head.value[i]), lastTs: head.ts[i])
            }
            for (hour, partial) in hours.ascending() {
                downsampler.add(bucketStart: downsampler.bucket(of: hour), partial)
            }
        }
        for point in raw {
            downsampler.add(ts: point.ts, value: point.value)
        }
        return ReadingsPage(points: downsampler.finish())
    }

    /// Raw points in `range` from blocks and head, ascending by ts; equal ts keep the order they
    /// were stored in.
    func rawPoints(in range: Range<Int64>) -> [Point] {
        guard !range.isEmpty else { return [] }
        var points: [Point] = []
        var sorted = true
        for block in blocks + [head] {
            for i in 0..<block.count where range.contains(block.ts[i]) {
                if let last = points.last, last.ts > block.ts[i] { sorted = false }
                points.append(Point(ts: block.ts[i], value: block.value[i]))
            }
        }
        if !sorted {
            // Blocks of one hour written by different rounds, or late head readings, may
            // interleave; a stable sort keeps storage order for equal timestamps.
            points = points.enumerated().sorted { ($0.element.ts, $0.offset) < ($1.element.ts, $1.offset) }.map(\.element)
        }
        return points
    }

    /// `GET /api/v1/delivery`: every reading in `[from, to)` stored at or after `storedSince`.
    func delivery(from: Int64, to: Int64, storedSince: Int64, limit: Int = .max) -> Delivery {
        var delivery = Delivery()
        for block in blocks + [head] {
            for i in 0..<block.count where block.ts[i] >= from && block.ts[i] < to && block.storedAt[i] >= storedSince {
                delivery.ts.append(block.ts[i])
                delivery.seq.append(block.seq[i])
                delivery.storedAt.append(block.storedAt[i])
            }
        }
        delivery.sortByTime()
        delivery.cut(limit: limit)
        return delivery
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
