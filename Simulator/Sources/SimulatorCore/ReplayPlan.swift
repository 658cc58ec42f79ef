public import Readings

/// A ``Recording`` made ready to publish: every message classified the way a running edge
/// will see it (readings carried, device, `seq` range, or the reject reason), using the
/// edge's own payload decoder, so the report of a replay has the same ground truth as a scenario's.
public struct ReplayPlan: Sendable {
    /// What one message is, for the report.
    public struct Facts: Sendable, Equatable {
        /// Index into ``devices``; -1 when the message carries no reading.
        public var device: Int
        public var readings: Int
        /// The `seq` range of its readings (-1 when they carry none).
        public var firstSeq: Int64
        public var lastSeq: Int64
        /// The reject reason an edge counts it under, for a malformed message.
        public var rejected: String?
    }

    public let recording: Recording
    /// `site/line/device` of every device, in order of first appearance.
    public let devices: [String]
    /// Per message of the recording.
    public let facts: [Facts]

    /// Readings over all messages.
    public var totalReadings: Int { facts.reduce(0) { $0 + $1.readings } }

    /// Classifies `recording` with the topic template the edge uses.
    public init(recording: Recording, topicTemplate: TopicTemplate) {
        self.recording = recording
        var decoder = PayloadDecoder(template: topicTemplate)
        var columns = ReadingColumns()
        var devices: [String] = []
        var deviceIndex: [String: Int] = [:]
        var facts: [Facts] = []
        facts.reserveCapacity(recording.messages.count)
        for message in recording.messages {
            columns.removeAll()
            let outcome = message.topic.withUnsafeBytes { topic in
                message.payload.withUnsafeBytes { payload in
                    decoder.decode(topic: topic, payload: payload, receivedAtMillis: 0, into: &columns)
                }
            }
            switch outcome {
            case .rejected(let reason):
                facts.append(Facts(device: -1, readings: 0, firstSeq: -1, lastSeq: -1, rejected: reason.rawValue))
            case .accepted(let count):
                guard count > 0 else {
                    facts.append(Facts(device: -1, readings: 0, firstSeq: -1, lastSeq: -1, rejected: nil))
                    continue
                }
                let series = decoder.seriesTable.series(columns.sid[0])
                let key = "\(series.site)/\(series.line)/\(series.device)"
                let index = deviceIndex[key] ?? {
                    devices.append(key)
                    deviceIndex[key] = devices.count - 1
                    return devices.count - 1
                }()
                let seqs = columns.seq.filter { $0 >= 0 }
                facts.append(Facts(
                    device: index, readings: count, firstSeq: seqs.min() ?? -1, lastSeq: seqs.max() ?? -1, rejected: nil))
            }
        }
        self.devices = devices
        self.facts = facts
    }
}
