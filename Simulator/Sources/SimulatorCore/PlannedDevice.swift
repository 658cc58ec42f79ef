/// One device of a plan, with everything the renderer needs precomputed.
public struct PlannedDevice: Sendable {
    /// Position in ``ScenarioPlan/devices``.
    public let index: Int
    public let site: String
    public let line: String
    /// The device name (`press-03`).
    public let name: String
    /// The device kind's name.
    public let kind: String
    /// How its readings are laid out.
    public let payload: PayloadShape
    /// Readings per message for the `array` shape; 1 otherwise.
    public let batch: Int
    /// Its sensors, in kind order (the order of ``DeviceSample/values``).
    public let sensors: [SensorSpec]
    /// The topic of each sensor (empty when the template has no `{sensor}`).
    public let sensorTopics: [String]
    /// The device-level topic.
    public let deviceTopic: String

    // Bytes the renderer copies, so the hot path builds no strings.
    let sensorTopicBytes: [[UInt8]]
    let deviceTopicBytes: [UInt8]
    /// `"temperature":` for device objects.
    let sensorKeyBytes: [[UInt8]]
    /// `,"unit":"C"` or empty.
    let unitBytes: [[UInt8]]

    init(index: Int, expanded: ExpandedDevice, template: String) {
        let (site, line, name, sensors) = (expanded.site, expanded.line, expanded.name, expanded.kind.sensors)
        self.index = index
        self.site = site
        self.line = line
        self.name = name
        kind = expanded.kind.name
        payload = expanded.kind.payload
        batch = expanded.kind.batch
        self.sensors = sensors
        let hasSensor = template.split(separator: "/").contains("{sensor}")
        let sensorTopics = hasSensor
            ? sensors.map { TopicShape.render(template, site: site, line: line, device: name, sensor: $0.name) } : []
        self.sensorTopics = sensorTopics
        deviceTopic = TopicShape.render(template, site: site, line: line, device: name, sensor: nil)
        sensorTopicBytes = sensorTopics.map { Array($0.utf8) }
        deviceTopicBytes = Array(deviceTopic.utf8)
        sensorKeyBytes = sensors.map { Array("\"\($0.name)\":".utf8) }
        unitBytes = sensors.map { sensor in sensor.unit.map { Array(",\"unit\":\"\($0)\"".utf8) } ?? [] }
    }

    /// Messages per device tick (fractional for `array`).
    public var messagesPerTick: Double {
        switch payload {
        case .number, .object: Double(sensors.count)
        case .deviceObject: 1
        case .array: Double(sensors.count) / Double(batch)
        }
    }
}
