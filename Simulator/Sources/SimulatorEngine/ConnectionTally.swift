/// What one connection published, kept on its own thread (plain arrays indexed by device,
/// no hashing per message) and merged at the end.
public struct ConnectionTally: Sendable, Equatable {
    public var messages: Int64 = 0
    public var readings: Int64 = 0
    public var acknowledged: Int64 = 0
    public var errors: Int64 = 0
    public var malformed: [String: Int64] = [:]
    public var duplicates: Int64 = 0
    /// Abrupt disconnects done (the `faults.disconnects` of a scenario).
    public var disconnects: Int64 = 0
    /// Readings per device index.
    public var readingsByDevice: [Int64]
    /// First and last device `seq` published per device index (-1 = none yet).
    public var firstSeq: [Int64]
    public var lastSeq: [Int64]
    public var firstSendNanos: UInt64?
    public var lastSendNanos: UInt64?
    /// When the last acknowledgement (QoS 1) or write (QoS 0) was seen.
    public var lastAckNanos: UInt64?
    /// Wall-clock microseconds each reading of a watched device was published at, by
    /// ``PublishKey`` (only devices named in `SimulationSettings.watchedDevices`: hazard devices
    /// whose alerts are timed).
    public var publishedAt: [PublishKey: Int64] = [:]
    /// Per device index, what it published by seq (only with `SimulationSettings.tracksDelivery`,
    /// for `--verify-core`; empty otherwise).
    public var delivery: [DeliveryLedger] = []

    /// A device's reading: device index, `seq` and sensor.
    public struct PublishKey: Hashable, Sendable {
        public var device: Int
        public var seq: Int64
        /// The sensor's index in its device's list; -1 for a message with all of them.
        public var sensor: Int

        public init(device: Int, seq: Int64, sensor: Int) {
            self.device = device
            self.seq = seq
            self.sensor = sensor
        }
    }

    /// First message sent to the last one acknowledged (or sent, if later), in seconds.
    public var activeSeconds: Double {
        guard let first = firstSendNanos, let last = [lastSendNanos, lastAckNanos].compactMap({ $0 }).max(), last > first else { return 0 }
        return Double(last - first) / 1e9
    }

    public init(devices: Int) {
        readingsByDevice = Array(repeating: 0, count: devices)
        firstSeq = Array(repeating: -1, count: devices)
        lastSeq = Array(repeating: -1, count: devices)
    }

    mutating func record(_ facts: MessageFacts, nowNanos: UInt64) {
        messages += 1
        readings += Int64(facts.readings)
        if firstSendNanos == nil { firstSendNanos = nowNanos }
        lastSendNanos = nowNanos
        if let kind = facts.malformed { malformed[kind, default: 0] += 1 }
        if facts.duplicate { duplicates += 1 }
        guard facts.readings > 0, facts.device < readingsByDevice.count else { return }
        readingsByDevice[facts.device] += Int64(facts.readings)
        if facts.seq >= 0, !facts.duplicate {
            let last = facts.lastSeq
            if firstSeq[facts.device] < 0 || facts.seq < firstSeq[facts.device] { firstSeq[facts.device] = facts.seq }
            if last > lastSeq[facts.device] { lastSeq[facts.device] = last }
        }
    }

    public mutating func merge(_ other: ConnectionTally) {
        messages += other.messages
        readings += other.readings
        acknowledged += other.acknowledged
        errors += other.errors
        duplicates += other.duplicates
        disconnects += other.disconnects
        malformed.merge(other.malformed, uniquingKeysWith: +)
        for index in readingsByDevice.indices where index < other.readingsByDevice.count {
            readingsByDevice[index] += other.readingsByDevice[index]
            if other.firstSeq[index] >= 0 && (firstSeq[index] < 0 || other.firstSeq[index] < firstSeq[index]) {
                firstSeq[index] = other.firstSeq[index]
            }
            lastSeq[index] = max(lastSeq[index], other.lastSeq[index])
        }
        firstSendNanos = [firstSendNanos, other.firstSendNanos].compactMap { $0 }.min()
        lastSendNanos = [lastSendNanos, other.lastSendNanos].compactMap { $0 }.max()
        lastAckNanos = [lastAckNanos, other.lastAckNanos].compactMap { $0 }.max()
        publishedAt.merge(other.publishedAt) { first, _ in first }
        if delivery.isEmpty {
            delivery = other.delivery
        } else {
            for index in delivery.indices where index < other.delivery.count {
                delivery[index].merge(other.delivery[index])
            }
        }
    }
}
