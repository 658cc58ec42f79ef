/// Token buckets that pace how fast new series are admitted.
///
/// New series of a *young* device (one first seen less than the warm-up ago, or not at all)
/// share one bucket: `perSecond` a second, a one-second burst. A device that invents device
/// names (a counter in its topic) only ever has young devices, so that is all it can use.
/// An *established* device pays from a bucket of its own (``DeviceBudget``: 64 at once, then one
/// a second), so whatever floods the shared bucket, the plant's real devices can still add a
/// sensor. For `warmupMillis` after the first new series there is no cap at all: an edge that
/// starts sees every sensor of the plant as new.
///
/// Pure: time is only what the caller passes in.
public struct NewSeriesRateCap: Sendable, Equatable {
    public let perSecond: Int
    public let warmupMillis: Int64
    private var warmupEndsAtMillis: Int64?
    private var shared: DeviceBudget

    public init(perSecond: Int, warmupMillis: Int64) {
        precondition(perSecond > 0 && warmupMillis >= 0)
        self.perSecond = perSecond
        self.warmupMillis = warmupMillis
        shared = DeviceBudget(burst: Double(perSecond), perSecond: Double(perSecond), nowMillis: .min)
    }

    /// True (and a token taken) when a new series may be admitted now.
    /// - Parameter device: the budget of an established device; nil for a young one.
    public mutating func admit(device: inout DeviceBudget?, nowMillis: Int64) -> Bool {
        guard let warmupEnds = warmupEndsAtMillis else {
            warmupEndsAtMillis = nowMillis.addingReportingOverflow(warmupMillis).overflow ? .max : nowMillis + warmupMillis
            return true
        }
        if nowMillis < warmupEnds { return true }
        if device != nil { return device!.take(nowMillis: nowMillis) }
        return shared.take(nowMillis: nowMillis)
    }
}

/// One token bucket: `burst` at once, refilled at `perSecond`.
public struct DeviceBudget: Sendable, Equatable {
    /// What an established device may add: 64 series at once, then one a second.
    public static func established(nowMillis: Int64) -> DeviceBudget {
        DeviceBudget(burst: 64, perSecond: 1, nowMillis: nowMillis)
    }

    let burst: Double
    let perSecond: Double
    private var tokens: Double
    private var refilledAtMillis: Int64

    init(burst: Double, perSecond: Double, nowMillis: Int64) {
        self.burst = burst
        self.perSecond = perSecond
        tokens = burst
        refilledAtMillis = nowMillis
    }

    mutating func take(nowMillis: Int64) -> Bool {
        if refilledAtMillis == .min || nowMillis < refilledAtMillis {
            tokens = burst  // first use, or the wall clock stepped back: a fresh burst
        } else {
            tokens = min(burst, tokens + Double(nowMillis - refilledAtMillis) * perSecond / 1_000)
        }
        refilledAtMillis = nowMillis
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
