import SimulatorCore
import SimulatorEngine

/// One connection's share of a replayed recording: the messages of its devices, in file order,
/// each when its recorded offset (scaled by `speed`) has passed, or as the schedule paces them
/// when the run has a fixed `--rate`. Devices are dealt over the connections by index, so one
/// device's messages keep their order.
struct ReplaySource: MessageSource {
    private let plan: ReplayPlan
    private let mine: [Int]
    private var position = 0
    private let startWallMillis: Int64
    /// Recorded-offset pacing; `nil` with a fixed rate.
    private let speed: Double?
    let shareOfMessages: Double?
    let shareOfReadings: Double?

    init(plan: ReplayPlan, connection: Int, connections: Int, startWallMillis: Int64, speed: Double?) {
        self.plan = plan
        mine = plan.facts.indices.filter { index in
            let facts = plan.facts[index]
            // Messages without a device (malformed ones) go by their line, spread evenly.
            let key = facts.device >= 0 ? facts.device : plan.recording.messages[index].line
            return key % connections == connection
        }
        self.startWallMillis = startWallMillis
        self.speed = speed
        shareOfMessages = plan.facts.isEmpty ? nil : Double(mine.count) / Double(plan.facts.count)
        let total = plan.totalReadings
        shareOfReadings = total > 0 ? Double(mine.reduce(0) { $0 + plan.facts[$1].readings }) / Double(total) : nil
    }

    var isExhausted: Bool { position >= mine.count }

    mutating func next(wallMillis: Int64, topic: inout [UInt8], payload: inout [UInt8]) -> MessageFacts? {
        guard position < mine.count else { return nil }
        let index = mine[position]
        let message = plan.recording.messages[index]
        if let speed, let offset = message.offsetMillis, Double(offset) / speed > Double(wallMillis - startWallMillis) {
            return nil  // not due yet
        }
        position += 1
        topic.append(contentsOf: message.topic)
        payload.append(contentsOf: message.payload)
        let facts = plan.facts[index]
        return MessageFacts(
            device: max(0, facts.device), readings: facts.readings, seq: facts.firstSeq, lastSeq: facts.lastSeq,
            malformed: facts.rejected)
    }
}
