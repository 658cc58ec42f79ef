import SimulatorCore
import SimulatorEngine

/// One connection's share of a scenario: its devices ticked in turn, each tick's messages
/// handed out one by one. Devices are dealt round-robin over the connections, so every
/// device is published by exactly one connection and its `seq` stays in order there.
struct ScenarioSource: MessageSource {
    private var streams: [DeviceStream]
    private var buffer = MessageBuffer()
    private var nextMessage = 0
    private var nextStream = 0

    init(plan: ScenarioPlan, connection: Int, connections: Int) {
        streams = plan.devices.indices.filter { $0 % connections == connection }.map { DeviceStream(plan: plan, device: $0) }
    }

    mutating func next(wallMillis: Int64, topic: inout [UInt8], payload: inout [UInt8]) -> MessageFacts? {
        // A silent tick, or an array device still filling its batch, sends nothing: tick on
        // (bounded, so a share whose devices are all silent returns nil instead of spinning).
        var attempts = 0
        while nextMessage >= buffer.messages.count {
            guard !streams.isEmpty, attempts < streams.count * 64 else { return nil }
            attempts += 1
            buffer.removeAll()
            nextMessage = 0
            streams[nextStream].tick(wallMillis: wallMillis, into: &buffer)
            nextStream = (nextStream + 1) % streams.count
        }
        let message = buffer.messages[nextMessage]
        nextMessage += 1
        buffer.bytes.withUnsafeBufferPointer { bytes in
            topic.append(contentsOf: bytes[message.topic])
            payload.append(contentsOf: bytes[message.payload])
        }
        var facts = MessageFacts(device: message.device, readings: message.readings, seq: message.seqs.lowerBound)
        switch message.kind {
        case .readings: break
        case .duplicate: facts.duplicate = true
        case .malformed(let kind): facts.malformed = kind.rawValue
        }
        return facts
    }
}
