/// A reusable buffer of rendered messages: one byte array holding every topic (NUL-terminated)
/// and payload, plus a descriptor per message. Clear it with ``removeAll()`` between batches so
/// steady-state rendering allocates nothing.
public struct MessageBuffer: Sendable {
    /// Topics and payloads back to back.
    public private(set) var bytes: [UInt8] = []
    /// The messages, in publishing order.
    public private(set) var messages: [OutgoingMessage] = []

    /// An empty buffer with room for `capacity` bytes.
    public init(capacity: Int = 16 * 1_024) {
        bytes.reserveCapacity(capacity)
        messages.reserveCapacity(64)
    }

    /// Forgets every message, keeping the storage.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        messages.removeAll(keepingCapacity: true)
    }

    /// Whether there is no message.
    public var isEmpty: Bool { messages.isEmpty }

    /// The topic of `message` as a string (for logs and tests, not the hot path).
    public func topic(of message: OutgoingMessage) -> String {
        String(decoding: bytes[message.topic], as: UTF8.self)
    }

    /// The payload bytes of `message`.
    public func payload(of message: OutgoingMessage) -> ArraySlice<UInt8> {
        bytes[message.payload]
    }

    /// Appends every message of `other`, in order.
    public mutating func append(contentsOf other: MessageBuffer) {
        let shift = bytes.count
        bytes.append(contentsOf: other.bytes)
        for var message in other.messages {
            message.topic = (message.topic.lowerBound + shift)..<(message.topic.upperBound + shift)
            message.payload = (message.payload.lowerBound + shift)..<(message.payload.upperBound + shift)
            messages.append(message)
        }
    }

    /// Appends a message whose payload `write` appends to the bytes it is handed.
    mutating func append(
        topic: [UInt8], suffix: StaticString = "", device: Int, sensor: Int = -1, seqs: ClosedRange<Int64>, readings: Int,
        kind: OutgoingMessage.Kind, payload write: (inout [UInt8]) -> Void
    ) {
        let topicStart = bytes.count
        bytes.append(contentsOf: topic)
        suffix.withUTF8Buffer { bytes.append(contentsOf: $0) }
        let topicEnd = bytes.count
        bytes.append(0)
        let payloadStart = bytes.count
        write(&bytes)
        messages.append(OutgoingMessage(
            topic: topicStart..<topicEnd, payload: payloadStart..<bytes.count, device: device, seqs: seqs, sensor: sensor,
            readings: readings, kind: kind))
    }

    /// Appends a copy of the message at `index` marked as a duplicate.
    mutating func appendDuplicate(of index: Int) {
        let original = messages[index]
        let topicStart = bytes.count
        bytes.append(contentsOf: bytes[original.topic])
        let topicEnd = bytes.count
        bytes.append(0)
        let payloadStart = bytes.count
        bytes.append(contentsOf: bytes[original.payload])
        var copy = original
        copy.topic = topicStart..<topicEnd
        copy.payload = payloadStart..<bytes.count
        copy.kind = .duplicate
        messages.append(copy)
    }
}
