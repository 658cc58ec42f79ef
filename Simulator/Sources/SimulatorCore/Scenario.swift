/// One simulated factory: sites → lines → devices, each device a kind with sensors; the rate,
/// duration, topic template and QoS; hazards to inject and faults to mix in.
///
/// Scenario files are YAML (see `Simulator/README.md`, "Scenario format"):
///
/// ```yaml
/// name: seoul                 # required
/// seed: 42                    # default 1; `--seed` overrides
/// topic_template: "factory/{site}/{line}/{device}/{sensor}"
/// qos: 1                      # 0 | 1 | 2
/// rate: {per_device: 10}      # ticks/s of each device (= readings/s per sensor), or {total: 50k/s}
/// duration: 30s
/// kinds:
///   press:
///     payload: object         # number | object | device-object | array (+ batch: N)
///     sensors:
///       temperature: {profile: random-walk, mean: 65, sd: 0.5, reversion: 0.05, min: 20, max: 120, unit: C, decimals: 2}
/// sites:
///   - name: seoul
///     lines:
///       - {name: line1, devices: [{kind: press, count: 8, name: "press-{n:02}", first: 1}]}
/// hazards:
///   - {type: overheat, device: press-03, start: 5s, duration: 10s, level: 900}
///   - {random: 5, types: [overheat, gas-leak], within: 60s}
/// faults:
///   malformed: {fraction: 0.001, kinds: [bad_json, not_numeric]}
///   duplicates: 0.001
///   out_of_order: 0.001
///   skew: {fraction: 0.001, by: 5m}
///   disconnects: {every: 20s}
/// ```
public struct Scenario: Sendable, Equatable {
    /// The scenario's name (reported).
    public var name: String
    /// The default seed.
    public var seed: UInt64
    /// The sensor-level topic template (DESIGN §3.1); the device-level form drops `/{sensor}`.
    public var topicTemplate: String
    /// The MQTT QoS to publish with.
    public var qos: Int
    /// How fast devices publish.
    public var rate: RateSpec
    /// Seconds the run lasts.
    public var duration: Double
    /// Device kinds, in file order.
    public var kinds: [DeviceKind]
    /// The factory layout.
    public var sites: [SiteSpec]
    /// Hazards to inject.
    public var hazards: [HazardSpec]
    /// Faults to mix in.
    public var faults: FaultSpec
    /// The file (or built-in name) it was parsed from, for messages.
    public var file: String

    /// The kind named `name`.
    public func kind(named name: String) -> DeviceKind? {
        kinds.first { $0.name == name }
    }
}
