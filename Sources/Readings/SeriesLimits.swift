/// How many series the receive thread may learn, and how fast.
///
/// A device that puts a counter, a serial number or garbage into a topic level or a payload
/// key creates a new series with every message. These limits bound what that costs: the whole
/// table (`maxSeries`), one device (`maxSeriesPerDevice`) and the pace (`maxNewSeriesPerSecond`),
/// so one broken device can neither exhaust the edge's memory nor use up the room that the
/// plant's genuinely new sensors need.
public struct SeriesLimits: Sendable, Equatable {
    /// The most series held at once; beyond it new ones are refused (`series_limit`).
    public var maxSeries: Int
    /// The most series one device (site, line, device) may have (`device_series_limit`).
    public var maxSeriesPerDevice: Int
    /// New series admitted per second once warmed up (`series_rate`); see ``NewSeriesRateCap``.
    public var maxNewSeriesPerSecond: Int
    /// After the first series is learned, this long without a rate cap: when an edge starts,
    /// every sensor of the plant is new to it within seconds, and refusing them would lose
    /// readings. Also the age at which a device counts as established (see ``NewSeriesRateCap``).
    public var warmupMillis: Int64

    public init(maxSeries: Int = 100_000, maxSeriesPerDevice: Int = 256, maxNewSeriesPerSecond: Int = 1_000,
                warmupMillis: Int64 = 60_000) {
        precondition(maxSeries > 0 && maxSeries < Int(UInt32.max), "maxSeries out of range")
        precondition(maxSeriesPerDevice > 0, "maxSeriesPerDevice must be positive")
        precondition(maxNewSeriesPerSecond > 0, "maxNewSeriesPerSecond must be positive")
        precondition(warmupMillis >= 0, "warmupMillis must not be negative")
        self.maxSeries = maxSeries
        self.maxSeriesPerDevice = maxSeriesPerDevice
        self.maxNewSeriesPerSecond = maxNewSeriesPerSecond
        self.warmupMillis = warmupMillis
    }
}
