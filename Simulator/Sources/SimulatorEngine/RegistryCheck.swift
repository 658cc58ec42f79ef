/// Holds the core's device registry (`GET /api/v1/devices`) against what the simulator knows:
/// each device's messages numbered but never published (from its ``DeliveryLedger``) against
/// the messages the core counts missing, and the devices whose clock the scenario put off
/// against those the core flags. Pure value type.
public struct RegistryCheck: Sendable, Equatable, Encodable {
    /// What the simulator knows of one device.
    public struct Truth: Sendable, Equatable {
        /// Seqs never published between the first and last published; nil when not known per seq.
        public var unpublished: Int64?
        /// How far its clock was put off (milliseconds; 0: in step).
        public var clockOffsetMillis: Int64
        /// Whether its payloads carry `seq` (plain numbers do not).
        public var numbered: Bool

        public init(unpublished: Int64?, clockOffsetMillis: Int64, numbered: Bool) {
            self.unpublished = unpublished
            self.clockOffsetMillis = clockOffsetMillis
            self.numbered = numbered
        }
    }

    /// What the core says of one device.
    public struct Seen: Sendable, Equatable {
        public var missing: Int64
        public var clockOff: Bool
        public var clockOffsetMillis: Int64?

        public init(missing: Int64, clockOff: Bool, clockOffsetMillis: Int64?) {
            self.missing = missing
            self.clockOff = clockOff
            self.clockOffsetMillis = clockOffsetMillis
        }
    }

    /// One device whose missing count differs.
    public struct Mismatch: Sendable, Equatable, Encodable {
        public var device: String
        public var expected: Int64
        public var core: Int64

        public init(device: String, expected: Int64, core: Int64) {
            self.device = device
            self.expected = expected
            self.core = core
        }
    }

    /// Devices the simulator ran.
    public private(set) var devices = 0
    /// Of them, those the core lists.
    public private(set) var listed = 0
    /// Numbered devices whose missing count the core got exactly.
    public private(set) var seqExact = 0
    /// Numbered devices compared.
    public private(set) var seqCompared = 0
    /// Messages never published, summed, and what the core counts missing, summed.
    public private(set) var unpublished: Int64 = 0
    public private(set) var coreMissing: Int64 = 0
    /// The first mismatches (at most ``maxMismatches``).
    public private(set) var mismatches: [Mismatch] = []
    /// Devices whose clock was put off, those the core flagged, flags on devices in step.
    public private(set) var clockOff = 0
    public private(set) var clockFlagged = 0
    public private(set) var falseClockFlags: [String] = []

    public static let maxMismatches = 20

    public init() {}

    /// Compares one device.
    public mutating func add(device: String, truth: Truth, seen: Seen?) {
        devices += 1
        let isOff = truth.clockOffsetMillis != 0
        if isOff { clockOff += 1 }
        guard let seen else { return }
        listed += 1
        if isOff, seen.clockOff { clockFlagged += 1 }
        if !isOff, seen.clockOff, falseClockFlags.count < Self.maxMismatches { falseClockFlags.append(device) }
        guard truth.numbered, let expected = truth.unpublished else { return }
        seqCompared += 1
        unpublished += expected
        coreMissing += seen.missing
        if expected == seen.missing {
            seqExact += 1
        } else if mismatches.count < Self.maxMismatches {
            mismatches.append(Mismatch(device: device, expected: expected, core: seen.missing))
        }
    }

    /// Every listed device's gaps and clock as the simulator knows them.
    public var isExact: Bool {
        listed == devices && seqExact == seqCompared && clockFlagged == clockOff && falseClockFlags.isEmpty
    }

    enum CodingKeys: String, CodingKey {
        case devices, listed, unpublished, mismatches
        case seqExact = "seq_exact"
        case seqCompared = "seq_compared"
        case coreMissing = "core_missing"
        case clockOff = "clock_off"
        case clockFlagged = "clock_flagged"
        case falseClockFlags = "false_clock_flags"
    }
}
