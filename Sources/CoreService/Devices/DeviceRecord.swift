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

    /// Takes this device's readings of one batch.
    /// - Parameters:
    ///   - seqs: their `seq` in the order the edge took them.
    ///   - timestamps: their `ts`.
    ///   - window: when the edge took them, if it said.
    mutating func take(
        edge: String, seenAtMillis: Int64, sensors batchSensors: some Sequence<Sensor>, seqs: [Int64], timestamps: [Int64],
        window: ClosedRange<Int64>?
    ) {
        self.edge = edge
        firstSeenMillis = min(firstSeenMillis, seenAtMillis)
        lastSeenMillis = max(lastSeenMillis, seenAtMillis)
        readings += Int64(seqs.count)
        for sensor in batchSensors where !sensors.contains(sensor) {
            if sensors.count < Self.maxSensors { sensors.insert(sensor) } else { sensorsNotListed += 1 }
        }
        for (value, ts) in zip(seqs, timestamps) { seq.observe(value, ts: ts) }
        if let window { clock.add(timestamps: timestamps, window: window) }
        rate.add(seqs.count, atMillis: seenAtMillis)
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
