import SimulatorCore
import SimulatorEngine

/// One connection's share of a scenario: its devices ticked in turn, each tick's messages
/// handed out one by one. Devices are dealt round-robin over the connections, so every
/// device is published by exactly one connection and its `seq` stays in order there. With broker
/// identities, each connection gets the devices its identity covers instead.
struct ScenarioSource: MessageSource {
    private var streams: [DeviceStream]
    private var messagesPerTick: [Double]
    /// Per device index of the plan: whether its payloads carry `seq` (bare numbers do not).
    private let seqInPayload: [Bool]
    private var buffer = MessageBuffer()
    private var nextMessage = 0
    private var nextStream = 0
    /// Schedule slots a silent tick would have used and that are still to be skipped.
    private var silentSlots = 0.0
    private var flushing = false
    let shareOfMessages: Double?
    let shareOfReadings: Double?

    init(plan: ScenarioPlan, connection: Int, connections: Int) {
        self.init(plan: plan, devices: plan.devices.indices.filter { $0 % connections == connection })
    }

    /// The share of exactly these devices (indices into the plan), e.g. those one broker identity covers.
    init(plan: ScenarioPlan, devices mine: [Int]) {
        streams = mine.map { DeviceStream(plan: plan, device: $0) }
        messagesPerTick = mine.map { plan.devices[$0].messagesPerTick }
        seqInPayload = plan.devices.map { $0.payload != .number }
        let allMessages = plan.devices.reduce(0) { $0 + $1.messagesPerTick }
        shareOfMessages = allMessages > 0 ? messagesPerTick.reduce(0, +) / allMessages : nil
        let allReadings = plan.devices.reduce(0) { $0 + $1.sensors.count }
        shareOfReadings = allReadings > 0 ? Double(mine.reduce(0) { $0 + plan.devices[$1].sensors.count }) / Double(allReadings) : nil
    }

    mutating func next(wallMillis: Int64, topic: inout [UInt8], payload: inout [UInt8]) -> MessageFacts? {
        // A silent tick sends nothing but takes the schedule slots its messages would have
        // taken, so every device's ticks keep to wall-clock time and hazards happen when the
        // report says. An array device still filling its batch sends nothing and takes none.
        if silentSlots >= 1 {
            silentSlots -= 1
            return nil
        }
        var attempts = 0
        while nextMessage >= buffer.messages.count {
            guard !streams.isEmpty, attempts < streams.count * 64 else { return nil }
            attempts += 1
            buffer.removeAll()
            nextMessage = 0
            let stream = nextStream
            nextStream = (nextStream + 1) % streams.count
            if streams[stream].tick(wallMillis: wallMillis, into: &buffer).isSilent {
                silentSlots += messagesPerTick[stream]
                if silentSlots >= 1 && buffer.messages.isEmpty {
                    silentSlots -= 1
                    return nil
                }
            }
        }
        return handOut(into: &topic, &payload)
    }

    mutating func flush(wallMillis: Int64, topic: inout [UInt8], payload: inout [UInt8]) -> MessageFacts? {
        if !flushing {
            // Publishing stopped: what is left of the current tick, then every held message.
            flushing = true
            var held = MessageBuffer()
            for index in streams.indices { streams[index].flush(wallMillis: wallMillis, into: &held) }
            buffer.append(contentsOf: held)  // after what is left of the current tick
        }
        guard nextMessage < buffer.messages.count else { return nil }
        return handOut(into: &topic, &payload)
    }

    private mutating func handOut(into topic: inout [UInt8], _ payload: inout [UInt8]) -> MessageFacts {
        let message = buffer.messages[nextMessage]
        nextMessage += 1
        buffer.bytes.withUnsafeBufferPointer { bytes in
            topic.append(contentsOf: bytes[message.topic])
            payload.append(contentsOf: bytes[message.payload])
        }
        var facts = MessageFacts(device: message.device, readings: message.readings, seq: message.seqs.lowerBound, lastSeq: message.seqs.upperBound)
        facts.sensor = message.sensor
        facts.seqInPayload = message.device < seqInPayload.count ? seqInPayload[message.device] : true
        switch message.kind {
        case .readings: break
        case .duplicate: facts.duplicate = true
        case .malformed(let kind): facts.malformed = kind.rawValue
        }
        return facts
    }
}
