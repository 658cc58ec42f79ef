/// A scenario made concrete for one seed: the flat device list, the rate, the resolved hazards
/// (ground truth) and the deterministic value and fault generators.
///
/// Everything a run publishes — topics, payload values, `seq`, faults — is a pure function of
/// (scenario, seed, device, seq); only the `ts` in payloads comes from the caller's clock.
///
/// ```swift
/// let plan = ScenarioPlan(scenario: try Scenario.resolve("seoul"), seed: 42)
/// var stream = DeviceStream(plan: plan, device: 0)
/// var buffer = MessageBuffer()
/// stream.tick(wallMillis: nowMillis, into: &buffer)   // publish buffer.messages
/// ```
public struct ScenarioPlan: Sendable {
    /// The scenario planned.
    public let scenario: Scenario
    /// The seed in use (the scenario's unless overridden).
    public let seed: UInt64
    /// Every device, in layout order.
    public let devices: [PlannedDevice]
    /// Ticks per second of each device (= readings/s per sensor).
    public let ratePerDevice: Double
    /// The injected hazards, random ones resolved, sorted by start.
    public let groundTruth: [InjectedHazard]
    /// Per device: the hazard effects on it.
    let effects: [[ScheduledEffect]]

    /// Plans `scenario`.
    /// - Parameters:
    ///   - seed: overrides the scenario's seed.
    ///   - totalRate: overrides the scenario's rate with a total in readings/s (`--rate`).
    public init(scenario: Scenario, seed: UInt64? = nil, totalRate: Double? = nil) {
        self.scenario = scenario
        let seed = seed ?? scenario.seed
        self.seed = seed
        let expanded = scenario.expandedDevices()
        devices = expanded.enumerated().map { PlannedDevice(index: $0, expanded: $1, template: scenario.topicTemplate) }
        let sensors = Double(max(1, scenario.sensorCount))
        switch totalRate.map(RateSpec.total) ?? scenario.rate {
        case .perDevice(let rate): ratePerDevice = rate
        case .total(let rate): ratePerDevice = rate / sensors
        }
        let truth = Self.resolveHazards(scenario: scenario, devices: devices, kinds: expanded.map(\.kind), seed: seed)
        groundTruth = truth
        var effects = Array(repeating: [ScheduledEffect](), count: devices.count)
        for hazard in truth {
            effects[hazard.deviceIndex] += Self.effects(of: hazard, device: devices[hazard.deviceIndex])
        }
        self.effects = effects
    }

    /// Readings per second over all devices and sensors.
    public var totalRate: Double { ratePerDevice * Double(scenario.sensorCount) }

    /// MQTT messages per second over all devices (without faults).
    public var messagesPerSecond: Double { devices.reduce(0) { $0 + $1.messagesPerTick } * ratePerDevice }

    /// Scheduled seconds from the start of tick `seq`.
    public func scheduledOffset(seq: Int64) -> Double { Double(seq) / ratePerDevice }

    /// Ticks per device within `seconds` (the scenario's duration by default).
    public func ticks(in seconds: Double? = nil) -> Int64 {
        Int64((seconds ?? scenario.duration) * ratePerDevice)
    }

    /// The device at `site/line/name`, or the only one called `name`.
    public func deviceIndex(named name: String, site: String? = nil, line: String? = nil) -> Int? {
        let matches = devices.filter { $0.name == name && (site == nil || $0.site == site) && (line == nil || $0.line == line) }
        return matches.count == 1 ? matches[0].index : nil
    }

    /// A fresh generator for `device`, to advance tick by tick.
    public func generator(device: Int) -> DeviceGenerator {
        DeviceGenerator(plan: self, device: device)
    }

    /// The values of `device` at tick `seq`: a pure function of (scenario, seed, device, seq).
    ///
    /// Random walks depend on every earlier tick, so this replays the device from tick 0
    /// (O(seq)); a run keeps one ``DeviceGenerator`` per device instead.
    public func reading(device: Int, seq: Int64) -> DeviceSample {
        var generator = generator(device: device)
        return generator.sample(seq: seq)
    }
}
