import Foundation
import SimulatorCore
import SimulatorEngine

/// The JSON report of one run (`--report`); the format is documented in Simulator/README.md.
struct SimulationReport: Encodable {
    struct Hazard: Encodable {
        var type: String
        var rule: String
        var site: String
        var line: String
        var device: String
        var sensors: [String]
        var start: String
        var end: String
        var startOffsetS: Double
        var endOffsetS: Double
        var random: Bool

        enum CodingKeys: String, CodingKey {
            case type, rule, site, line, device, sensors, start, end, random
            case startOffsetS = "start_offset_s"
            case endOffsetS = "end_offset_s"
        }
    }

    var scenario: String
    var seed: UInt64
    var broker: String
    var qos: Int
    var connections: Int
    var startedAt: String
    var durationS: Double
    var targetRate: Double
    var sentTotal: Int64
    var messagesTotal: Int64
    var acknowledged: Int64
    var achievedRate: Double
    var errors: Int64
    var stoppedBy: String
    var perDevice: [String: Int64]
    var seqRanges: [String: [Int64]]
    var malformed: [String: Int64]
    var duplicates: Int64
    var disconnects: Int64
    var hazards: [Hazard]
    /// With `--webhook-listen`: the alerts and stop commands the edge sent, matched to the hazards.
    var alerts: AlertVerification?
    /// With `--verify-core`: what the core stored of this run.
    var core: CoreDeliveryReport?
    /// With `--verify-core` (scenarios): the core's device registry against the simulator's truth.
    var registry: RegistryCheck?

    enum CodingKeys: String, CodingKey {
        case scenario, seed, broker, qos, connections, errors, malformed, duplicates, disconnects, hazards, acknowledged, alerts, core, registry
        case startedAt = "started_at"
        case durationS = "duration_s"
        case targetRate = "target_rate"
        case sentTotal = "sent_total"
        case messagesTotal = "messages_total"
        case achievedRate = "achieved_rate"
        case stoppedBy = "stopped_by"
        case perDevice = "per_device"
        case seqRanges = "seq_ranges"
    }

    /// What was run: a scenario (with its ground truth) or a replayed recording.
    struct Source {
        var name: String
        var seed: UInt64
        var targetRate: Double
        /// `site/line/device` per device index of the tally.
        var devices: [String]
        var hazards: [InjectedHazard]
        /// Sensor names per device index (empty for a replay).
        var sensors: [[String]] = []
        /// How far each device's clock was put off (ms), and whether its payloads carry `seq`
        /// (empty for a replay: its truth is the recording's).
        var clockOffsets: [Int64] = []
        var numbered: [Bool] = []
    }

    init(source: Source, tally: ConnectionTally, broker: String, qos: Int, connections: Int, started: Date, stoppedBy: String) {
        scenario = source.name
        seed = source.seed
        self.broker = broker
        self.qos = qos
        self.connections = connections
        startedAt = Self.timestamp(started)
        let seconds = tally.activeSeconds
        durationS = (seconds * 1_000).rounded() / 1_000
        targetRate = source.targetRate
        sentTotal = tally.readings
        messagesTotal = tally.messages
        acknowledged = tally.acknowledged
        // Readings per second from the first message sent to the last acknowledged.
        achievedRate = seconds > 0 ? (Double(tally.readings) / seconds).rounded() : 0
        errors = tally.errors
        disconnects = tally.disconnects
        self.stoppedBy = stoppedBy
        var perDevice: [String: Int64] = [:]
        var seqRanges: [String: [Int64]] = [:]
        for (index, key) in source.devices.enumerated() where index < tally.readingsByDevice.count {
            perDevice[key] = tally.readingsByDevice[index]
            if tally.firstSeq[index] >= 0 {
                seqRanges[key] = [tally.firstSeq[index], tally.lastSeq[index]]
            }
        }
        self.perDevice = perDevice
        self.seqRanges = seqRanges
        malformed = tally.malformed
        duplicates = tally.duplicates
        hazards = source.hazards.map { hazard in
            Hazard(
                type: hazard.type.rawValue, rule: hazard.rule, site: hazard.site, line: hazard.line, device: hazard.device,
                sensors: hazard.sensors,
                start: Self.timestamp(started.addingTimeInterval(hazard.startOffset)),
                end: Self.timestamp(started.addingTimeInterval(hazard.endOffset)),
                startOffsetS: hazard.startOffset, endOffsetS: hazard.endOffset, random: hazard.isRandom)
        }
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
