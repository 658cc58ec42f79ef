/// Token buckets that pace how fast new series are admitted.
///
/// Two buckets of the same rate and a one-second burst: one pays for series of devices that are
/// new (or younger than the warm-up), the other for new sensors of established devices. A device
/// inventing device names (a counter in the topic) drains only the first, so the plant's real
/// devices can still add a sensor while it floods. For `warmupMillis` after the first new series there is
/// no cap at all (an edge that starts sees every sensor of the plant as new).
///
/// Pure: time is only what the caller passes in.
public struct NewSeriesRateCap: Sendable, Equatable {
    public let perSecond: Int
    public let warmupMillis: Int64
    private var warmupEndsAtMillis: Int64?
    private var newDeviceTokens: Double
    private var knownDeviceTokens: Double
    private var refilledAtMillis: Int64 = .min

    public init(perSecond: Int, warmupMillis: Int64) {
        precondition(perSecond > 0 && warmupMillis >= 0)
        self.perSecond = perSecond
        self.warmupMillis = warmupMillis
        newDeviceTokens = Double(perSecond)
        knownDeviceTokens = Double(perSecond)
    }

    /// True (and one token taken) when a new series may be admitted now.
    /// - Parameter knownDevice: whether the series' device already has series in the table.
    public mutating func admit(knownDevice: Bool, nowMillis: Int64) -> Bool {
        guard let warmupEnds = warmupEndsAtMillis else {
            warmupEndsAtMillis = nowMillis.addingReportingOverflow(warmupMillis).overflow ? .max : nowMillis + warmupMillis
            return true
        }
        if nowMillis < warmupEnds { return true }
        refill(nowMillis: nowMillis)
        if knownDevice {
            guard knownDeviceTokens >= 1 else { return false }
            knownDeviceTokens -= 1
        } else {
            guard newDeviceTokens >= 1 else { return false }
            newDeviceTokens -= 1
        }
        return true
    }

    private mutating func refill(nowMillis: Int64) {
        let burst = Double(perSecond)
        if refilledAtMillis == .min || nowMillis < refilledAtMillis {
            // First use after warm-up, or the wall clock stepped back: start from a full burst.
            newDeviceTokens = burst
            knownDeviceTokens = burst
        } else {
            let added = Double(nowMillis - refilledAtMillis) * burst / 1_000
            newDeviceTokens = min(burst, newDeviceTokens + added)
            knownDeviceTokens = min(burst, knownDeviceTokens + added)
        }
        refilledAtMillis = nowMillis
    }
}
