/// Interns series keys to dense ``SeriesID``s on the receive thread.
///
/// An open-addressing hash table (linear probing, FNV-1a, load ≤ ½) over a byte arena of keys:
/// a lookup hashes and compares bytes and allocates nothing; only a miss creates the ``Series``
/// strings. A key is the five fields, each prefixed by its length (LEB128) rather than joined
/// with a 0 byte, so no field content can make two different series share a key.
///
/// New series are admitted within ``SeriesLimits`` (whole table, per device, per second), and
/// series not seen for a while can be forgotten (``forget(idleBeforeMillis:)``), which renumbers
/// the rest.
public struct SeriesTable: Sendable {
    /// What this table admits.
    public let limits: SeriesLimits
    /// Beyond this many series, new ones are refused (`series_limit`): a runaway device that
    /// puts a counter in its topic must not exhaust the edge's memory.
    public var maxSeries: Int { limits.maxSeries }

    /// One interned key: where its bytes are in the arena, and its hash.
    struct Entry: Sendable {
        var offset: Int
        var length: Int
        var hash: UInt64
    }

    var arena: [UInt8] = []
    var entries: [Entry] = []
    var allSeries: [Series] = []
    /// When each series was last seen (epoch seconds), for forgetting idle ones.
    var lastSeenSeconds: [UInt32] = []
    /// The device row of each series.
    var deviceOfSeries: [Int32] = []
    /// Device key (the first three length-prefixed fields of a series key) → device row.
    /// Touched only when a series is new, which allocates anyway.
    var deviceRows: [[UInt8]: Int32] = [:]
    /// Series per device row.
    var seriesPerDevice: [Int32] = []
    /// When each device row was first seen (epoch ms): a device is *established* once it is
    /// older than the warm-up, and only established devices use the known-device budget.
    var deviceFirstSeen: [Int64] = []
    /// The new-series budget of each established device (nil while it is young).
    var deviceBudgets: [DeviceBudget?] = []
    var rateCap: NewSeriesRateCap
    /// `0` is empty; otherwise the id plus one. The count is a power of two.
    var slots: [UInt32]
    /// The key being looked up, rebuilt for every reading without reallocating.
    var key: [UInt8] = []

    /// - Parameter maxSeries: the most series this table will hold (default 100 000); no
    ///   per-device or rate limits beyond it.
    public init(maxSeries: Int = 100_000) {
        self.init(limits: SeriesLimits(maxSeries: maxSeries, maxSeriesPerDevice: maxSeries,
                                       maxNewSeriesPerSecond: maxSeries, warmupMillis: .max))
    }

    /// - Parameter limits: what this table admits.
    public init(limits: SeriesLimits) {
        self.limits = limits
        self.rateCap = NewSeriesRateCap(perSecond: limits.maxNewSeriesPerSecond, warmupMillis: limits.warmupMillis)
        self.slots = Array(repeating: 0, count: 64)
        key.reserveCapacity(256)
    }

    /// The number of series interned.
    public var count: Int { allSeries.count }

    /// The series an id stands for. The id must come from this table.
    public func series(_ id: SeriesID) -> Series { allSeries[Int(id)] }

    /// The id of a series, interning it if new; `nil` when the table is full or a name breaks
    /// ``SeriesName``'s rules.
    /// Convenient off the hot path (it encodes the key from `String`s).
    public mutating func intern(_ series: Series, nowMillis: Int64 = 0) -> SeriesID? {
        var site = series.site, line = series.line, device = series.device
        var sensor = series.sensor, unit = series.unit
        return site.withUTF8 { site in
            line.withUTF8 { line in
                device.withUTF8 { device in
                    sensor.withUTF8 { sensor in
                        unit.withUTF8 { unit in
                            intern(site: .init(site), line: .init(line), device: .init(device),
                                   sensor: .init(sensor), unit: .init(unit), nowMillis: nowMillis).id
                        }
                    }
                }
            }
        }
    }
}
