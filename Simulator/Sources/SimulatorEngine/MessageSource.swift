/// What one publisher connection sends: the messages of its share of the devices, in order.
///
/// The engine calls `next` on the connection's own thread, with buffers it reuses: a source
/// renders into them without allocating.
public protocol MessageSource: Sendable {
    /// Renders the next message into `topic` and `payload` (both cleared by the caller).
    /// Returns what it is, or `nil` when the next device tick publishes nothing (a silent
    /// device); the engine then moves on to the next tick.
    mutating func next(wallMillis: Int64, topic: inout [UInt8], payload: inout [UInt8]) -> MessageFacts?

    /// Renders one message still held back at the end of the run (an out-of-order tick, a
    /// partial batch), or `nil` when none is left. Called repeatedly once publishing stops,
    /// so every `seq` handed out is also sent.
    mutating func flush(wallMillis: Int64, topic: inout [UInt8], payload: inout [UInt8]) -> MessageFacts?

    /// True when the source has nothing more to send (a replayed file at its end); the
    /// connection then finishes without waiting for its deadline.
    var isExhausted: Bool { get }

    /// This share's fraction of all messages (0…1), so each connection is paced at the rate of
    /// its own devices; `nil` splits the rate evenly over the connections.
    var shareOfMessages: Double? { get }

    /// This share's fraction of all readings (0…1), to split `--count` over the connections.
    var shareOfReadings: Double? { get }
}

extension MessageSource {
    public mutating func flush(wallMillis: Int64, topic: inout [UInt8], payload: inout [UInt8]) -> MessageFacts? { nil }
    public var isExhausted: Bool { false }
    public var shareOfMessages: Double? { nil }
    public var shareOfReadings: Double? { nil }
}

/// The facts of one rendered message, for the report.
public struct MessageFacts: Sendable, Equatable {
    /// Index of the device in the scenario plan.
    public var device: Int
    /// Readings the message carries (0 for a malformed one).
    public var readings: Int
    /// The device `seq` of its first reading (-1 when it carries none).
    public var seq: Int64
    /// The device `seq` of its last reading (an `array` message spans several ticks).
    public var lastSeq: Int64
    /// Which of its device's sensors it carries (-1: several or unknown), for publish times.
    public var sensor: Int = -1
    /// The reject reason a running edge should count it under, for a deliberately malformed message.
    public var malformed: String?
    /// True for a deliberate duplicate of an earlier message.
    public var duplicate: Bool
    /// Whether the payload itself carries `seq` (a bare number does not, though its tick has
    /// one): what the edge and the core can see of it.
    public var seqInPayload = true

    public init(device: Int, readings: Int, seq: Int64, lastSeq: Int64? = nil, malformed: String? = nil, duplicate: Bool = false) {
        self.device = device
        self.readings = readings
        self.seq = seq
        self.lastSeq = lastSeq ?? seq
        self.malformed = malformed
        self.duplicate = duplicate
    }
}
