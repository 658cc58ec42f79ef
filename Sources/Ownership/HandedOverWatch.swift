/// What the site's active edge watches with `absent` rules, left on the site broker for the edge
/// that takes its session next: the retained message on `haetae/<site>/watch`, replaced every
/// few seconds. The new active arms its `absent` rules from these times, so a device that fell
/// silent before the takeover is still flagged (its engine never had a reading of it).
public struct HandedOverWatch: Equatable, Sendable {
    /// One watched series and when the active last had a reading of it.
    public struct Series: Equatable, Sendable {
        public var site: String
        public var line: String
        public var device: String
        public var sensor: String
        public var unit: String
        public var lastSeenMillis: Int64

        public init(site: String, line: String, device: String, sensor: String, unit: String, lastSeenMillis: Int64) {
            self.site = site
            self.line = line
            self.device = device
            self.sensor = sensor
            self.unit = unit
            self.lastSeenMillis = lastSeenMillis
        }
    }

    /// The epoch of the owner that published it.
    public var epoch: UInt64
    public var edge: String
    /// When it was made (milliseconds since the epoch): a series seen shortly before was still
    /// reporting then, and may have reported until the takeover.
    public var atMillis: Int64
    public var series: [Series]

    public init(epoch: UInt64, edge: String, atMillis: Int64, series: [Series]) {
        self.epoch = epoch
        self.edge = edge
        self.atMillis = atMillis
        self.series = series
    }

    /// When the new active should take `series` as last seen, at `takeoverMillis`: its time in the
    /// record if it was already silent then (`reportingWithinMillis` before the record or more),
    /// else the takeover (it may have reported until then: never an `absent` alert too early).
    public func lastSeen(of series: Series, takeoverMillis: Int64, reportingWithinMillis: Int64) -> Int64 {
        series.lastSeenMillis < atMillis - reportingWithinMillis ? series.lastSeenMillis : max(series.lastSeenMillis, takeoverMillis)
    }

    public static func topic(site: String) -> String { "haetae/\(site)/watch" }
}
