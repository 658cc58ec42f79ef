/// Faults injected into the stream: malformed payloads, duplicates, reordering, lost messages,
/// clock skew, devices whose clock is off, and disconnects. Fractions are per device tick (per
/// device for `clockOff`) and are drawn from the seed.
public struct FaultSpec: Sendable, Equatable {
    /// Fraction of ticks sent as one malformed message instead of their readings.
    public var malformed: Double
    /// The kinds of malformed payload, chosen uniformly.
    public var malformedKinds: [MalformedKind]
    /// Fraction of ticks whose messages are sent twice.
    public var duplicates: Double
    /// Fraction of ticks whose messages are held back and sent after the next tick's.
    public var outOfOrder: Double
    /// Fraction of ticks whose `ts` is shifted by ± `skewBy`.
    public var skew: Double
    /// Seconds of clock skew.
    public var skewBy: Double
    /// Seconds between abrupt disconnects of one connection (done by the engine), if any.
    public var disconnectEvery: Double?
    /// Fraction of ticks lost before the broker: their `seq` is used, nothing is sent.
    public var drops: Double = 0
    /// Fraction of devices whose clock is off by ± `clockOffBy` for the whole run.
    public var clockOff: Double = 0
    /// Seconds a device clock is off by.
    public var clockOffBy: Double = 60

    /// No faults.
    public static let none = FaultSpec(
        malformed: 0, malformedKinds: MalformedKind.allCases, duplicates: 0, outOfOrder: 0, skew: 0,
        skewBy: 300, disconnectEvery: nil)

    /// Creates a value; see the properties.
    public init(malformed: Double, malformedKinds: [MalformedKind], duplicates: Double, outOfOrder: Double, skew: Double, skewBy: Double, disconnectEvery: Double?) {
        self.malformed = malformed
        self.malformedKinds = malformedKinds
        self.duplicates = duplicates
        self.outOfOrder = outOfOrder
        self.skew = skew
        self.skewBy = skewBy
        self.disconnectEvery = disconnectEvery
    }
}
