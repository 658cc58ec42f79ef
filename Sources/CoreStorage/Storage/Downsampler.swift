/// Folds points and partial aggregates, in ascending time, into step buckets
/// `[origin + k·step, origin + (k+1)·step)`; each bucket becomes one ``Point`` at its start.
///
/// Both backends downsample through it, so `avg|min|max|last` mean the same everywhere: raw
/// points, hourly rollups and SQL-side partial buckets are all just partials to it.
struct Downsampler {
    /// A bucket's running aggregate.
    struct Partial: Equatable {
        var count: Int64
        var sum: Double
        var min: Double
        var max: Double
        /// The value at the greatest ts seen so far (a later partial wins).
        var last: Double

        init(count: Int64, sum: Double, min: Double, max: Double, last: Double) {
            self.count = count
            self.sum = sum
            self.min = min
            self.max = max
            self.last = last
        }

        init(_ value: Double) {
            self.init(count: 1, sum: value, min: value, max: value, last: value)
        }

        mutating func merge(_ other: Partial) {
            count += other.count
            sum += other.sum
            min = Swift.min(min, other.min)
            max = Swift.max(max, other.max)
            last = other.last
        }

        /// The mean lies between the smallest and largest value; a sum that overflowed (values
        /// near ±1.8e308) is clamped back into that range rather than answered as ±infinity,
        /// which JSON cannot carry, and opposite infinities (NaN) give the midpoint.
        static func mean(sum: Double, count: Int64, min: Double, max: Double) -> Double {
            let mean = sum / Double(count)
            if mean.isNaN { return min / 2 + max / 2 }
            return Swift.min(Swift.max(mean, min), max)
        }

        func value(_ aggregation: Aggregation) -> Double {
            switch aggregation {
            case .avg: Self.mean(sum: sum, count: count, min: min, max: max)
            case .min: min
            case .max: max
            case .last: last
            }
        }
    }

    let origin: Int64
    let step: Int64
    let aggregation: Aggregation
    private(set) var points: [Point] = []
    private var current: (start: Int64, partial: Partial)?

    init(origin: Int64, step: Int64, aggregation: Aggregation) {
        precondition(step > 0)
        self.origin = origin
        self.step = step
        self.aggregation = aggregation
    }

    /// The start of the bucket holding `ts` (times before `origin` count in the first bucket:
    /// only an hourly rollup that begins before `from` can have one).
    func bucket(of ts: Int64) -> Int64 {
        ts <= origin ? origin : origin + (ts - origin) / step * step
    }

    /// Adds a raw point; calls must come in ascending `ts`.
    mutating func add(ts: Int64, value: Double) {
        add(bucketStart: bucket(of: ts), Partial(value))
    }

    /// Adds a partial aggregate that belongs wholly to the bucket starting at `bucketStart`;
    /// calls must come in ascending time.
    mutating func add(bucketStart: Int64, _ partial: Partial) {
        if var open = current, open.start == bucketStart {
            open.partial.merge(partial)
            current = open
            return
        }
        flush()
        current = (bucketStart, partial)
    }

    /// The buckets, ascending; empty buckets are absent.
    mutating func finish() -> [Point] {
        flush()
        return points
    }

    private mutating func flush() {
        if let open = current {
            points.append(Point(ts: open.start, value: open.partial.value(aggregation)))
            current = nil
        }
    }
}
