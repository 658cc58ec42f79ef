/// What one publisher connection sends: the messages of its share of the devices, in order.
///
/// The engine calls `next` on the connection's own thread, with buffers it reuses: a source
/// renders into them without allocating.
public protocol MessageSource: Sendable {
    /// Renders the next message into `topic` and `payload` (both cleared by the caller).
    /// Returns what it is, or `nil` when the next device tick publishes nothing (a silent
    /// device); the engine then moves on to the next tick.
    mutating func next(wallMillis: Int64, topic: inout [UInt8], payload: inout [UInt8]) -> MessageFacts?
}

/// The facts of one rendered message, for the report.
public struct MessageFacts: Sendable, Equatable {
    /// Index of the device in the scenario plan.
    public var device: Int
    /// Readings the message carries (0 for a malformed one).
    public var readings: Int
    /// The device `seq` of its first reading (-1 when it carries none).
    public var seq: Int64
    /// The reject reason a running edge should count it under, for a deliberately malformed message.
    public var malformed: String?
    /// True for a deliberate duplicate of an earlier message.
    public var duplicate: Bool

    public init(device: Int, readings: Int, seq: Int64, malformed: String? = nil, duplicate: Bool = false) {
        self.device = device
        self.readings = readings
        self.seq = seq
        self.malformed = malformed
        self.duplicate = duplicate
    }
}
