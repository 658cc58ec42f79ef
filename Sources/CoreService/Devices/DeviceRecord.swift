/// What the core knows of one device from what arrived: when it was first and last seen, its
/// sensors, its rate, the messages it numbered that never arrived, and its clock. Pure value type.
public struct DeviceRecord: Sendable, Equatable, Codable {
    /// A device's place.
    public struct Key: Sendable, Hashable, Comparable, Codable {
        public var site: String
        public var line: String
        public var device: String

        public init(site: String, line: String, device: String) {
            self.site = site
            self.line = line
            self.device = device
        }

        public static func < (a: Key, b: Key) -> Bool {
            (a.site, a.line, a.device) < (b.site, b.line, b.device)
        }
    }

    /// A sensor with its unit.
    public struct Sensor: Sendable, Hashable, Comparable, Codable {
        public var name: String
        public var unit: String

        public static func < (a: Sensor, b: Sensor) -> Bool { (a.name, a.unit) < (b.name, b.unit) }
    }

    public var key: Key
    /// The edge that forwarded its latest readings.
    public var edge: String
    /// When the edge first and last took its readings (edge clock; core clock for edges that do
    /// not say), epoch milliseconds.
    public var firstSeenMillis: Int64
    public var lastSeenMillis: Int64
    public var readings: Int64 = 0
    /// At most ``maxSensors``; more are counted in `sensorsNotListed`.
    public var sensors: Set<Sensor> = []
    public var sensorsNotListed: Int64 = 0
    public var seq = SeqTracker()
    public var clock = ClockSkewEstimate()
    public var rate = RecentRate()

    /// Sensors listed per device (a device with more is buggy or hostile).
    public static let maxSensors = 64

    public init(key: Key, edge: String, seenAtMillis: Int64) {
        self.key = key
        self.edge = edge
        firstSeenMillis = seenAtMillis
        lastSeenMillis = seenAtMillis
    }

    /// Lists a sensor (up to ``maxSensors``; more are counted).
    mutating func list(_ sensor: Sensor) {
        guard !sensors.contains(sensor) else { return }
        if sensors.count < Self.maxSensors { sensors.insert(sensor) } else { sensorsNotListed += 1 }
    }

    /// Takes what one batch said of the device once its readings' `seq` were observed.
    /// - Parameters:
    ///   - readings: how many of the batch's readings were the device's.
    ///   - batchOffsetMillis: the largest offset of its readings against the window, with the
    ///     window (``ClockSkewEstimate``), when the edge sent one.
    mutating func noteBatch(edge: String, seenAtMillis: Int64, readings count: Int, batchOffsetMillis: Int64?, window: ClosedRange<Int64>?) {
        self.edge = edge
        firstSeenMillis = min(firstSeenMillis, seenAtMillis)
        lastSeenMillis = max(lastSeenMillis, seenAtMillis)
        readings = min(readings + Int64(count), SeqTracker.countLimit)
        if let window, let batchOffsetMillis { clock.add(batchOffsetMillis: batchOffsetMillis, window: window) }
        rate.add(count, atMillis: seenAtMillis)
    }

    /// Readings per second over the last ten minutes.
    public func readingsPerSecond(nowMillis: Int64) -> Double {
        rate.perSecond(nowMillis: nowMillis, sinceMillis: firstSeenMillis)
    }

    /// How long without readings makes this device silent: five of its usual gaps between
    /// messages (its sensors over its rate while it was seen), at least a minute, at most an hour.
    /// The rate is taken over its whole time seen, not the last minutes: a silent device's recent
    /// rate falls to 0 and would never make it silent.
    public var silentAfterMillis: Int64 {
        let span = lastSeenMillis - firstSeenMillis
        guard span >= 1_000, readings > 1 else { return 60_000 }
        let perSecond = Double(readings - 1) / (Double(span) / 1_000)
        let gap = Double(max(sensors.count, 1)) / perSecond * 1_000
        return min(max(Int64(min(gap * 5, 3.6e6)), 60_000), 3_600_000)
    }

    /// Silent at `nowMillis`: nothing for longer than ``silentAfterMillis``.
    public func isSilent(nowMillis: Int64) -> Bool {
        nowMillis - lastSeenMillis > silentAfterMillis
    }
}
