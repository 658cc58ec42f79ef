public import Readings

/// Which series a rule applies to: a glob per field, absent meaning any.
public struct SeriesMatch: Sendable, Hashable {
    public var site: Glob?
    public var line: Glob?
    public var device: Glob?
    public var sensor: Glob?

    public init(site: Glob? = nil, line: Glob? = nil, device: Glob? = nil, sensor: Glob? = nil) {
        self.site = site
        self.line = line
        self.device = device
        self.sensor = sensor
    }

    /// The keys a `match:` mapping may have.
    static let keys = ["site", "line", "device", "sensor"]

    /// Whether every given glob matches its field of `series`.
    public func matches(_ series: Series) -> Bool {
        Self.check(site, series.site) && Self.check(line, series.line)
            && Self.check(device, series.device) && Self.check(sensor, series.sensor)
    }

    private static func check(_ glob: Glob?, _ text: String) -> Bool {
        guard let glob, !glob.matchesEverything else { return true }
        return glob.matches(text)
    }
}
