/// One MQTT message in a ``MessageBuffer``: ranges into its bytes plus what it carries.
public struct OutgoingMessage: Sendable, Equatable {
    /// What the message is, for the report.
    public enum Kind: Sendable, Equatable {
        /// Normal readings.
        case readings
        /// A second copy of readings already sent.
        case duplicate
        /// A malformed payload the edge must reject with this reason.
        case malformed(MalformedKind)
    }

    /// The topic bytes; `bytes[topic.upperBound]` is a NUL, so the topic is also a C string.
    public var topic: Range<Int>
    /// The payload bytes.
    public var payload: Range<Int>
    /// The device index.
    public var device: Int
    /// The ticks the message covers (one tick except for `array` payloads).
    public var seqs: ClosedRange<Int64>
    /// The index of the one sensor it carries in its device's sensor list; -1 when it carries
    /// several (a device-level object) or none.
    public var sensor: Int = -1
    /// Valid readings carried (0 for malformed messages).
    public var readings: Int
    /// What it is.
    public var kind: Kind
}
