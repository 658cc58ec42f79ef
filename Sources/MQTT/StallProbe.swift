/// How a persistent-session client makes sure a message is still its own after it stalled.
///
/// A process that was frozen (SIGSTOP, a VM paused, a node that stopped answering) for longer
/// than the broker waits (1.5 × keepalive) may wake to a connection the broker has closed and a
/// session another client holds by now, with the stream sent before that still buffered in its
/// socket. Those messages are delivered again to the new holder; handling them here too would
/// process them twice. The broker's close (FIN) queues behind that data, so it cannot be seen
/// before the data is read. So after a stall the client publishes this probe (QoS 1) *before*
/// reading on, holds what it reads, and hands the held messages over only when the probe's
/// PUBACK arrives (the broker took the probe, and every PUBACK written after it, from this
/// connection). If the connection ends first, the held QoS ≥ 1 messages are left for
/// redelivery (their PUBACKs followed the probe, so the broker did not take them either).
public struct StallProbe: Sendable, Equatable {
    /// Where the probe goes (the client needs the right to publish there).
    public var topic: String
    public var payload: [UInt8]
    /// A pause at least this long between two passes of the loop counts as a stall.
    public var threshold: Duration

    public init(topic: String, payload: [UInt8], threshold: Duration) {
        self.topic = topic
        self.payload = payload
        self.threshold = threshold
    }

    /// Most messages (and payload bytes) held while a probe is out; past either the held ones
    /// are handed over as they are (counted) rather than hold without bound.
    public static let maxHeldMessages = 200_000
    public static let maxHeldBytes = 64 << 20
}
