/// The kinds of hazard a scenario can inject, and — in this one place — which DESIGN §3.2 rule
/// each should trip and which sensors it touches.
public enum HazardType: String, CaseIterable, Sendable {
    /// Temperature ramps to a level over the first 20% of the window, then holds.
    case overheat
    /// Gas concentration rises fast (default +100 ppm/s).
    case gasLeak = "gas-leak"
    /// Vibration is multiplied (default ×4), so its 5 s average passes 7.1 mm/s.
    case vibrationBurst = "vibration-burst"
    /// The device publishes nothing.
    case silent
    /// Temperature > 60 and smoke > 0.08 together.
    case fireRisk = "fire-risk"
    /// Temperature bouncing across the rule's threshold (a loose thermocouple, a bouncing
    /// switch): at `level` for the first half of every `period`, normal for the second, so the
    /// alarm starts again and again: a **chattering** alarm.
    case chatter

    /// The rule this hazard should trip on `device`: `furnace-overheat` (devices `furnace-*`) or
    /// `overheat`, `gas-rising`, `vib-high`, `silent`, `fire-risk`.
    public func rule(device: String) -> String {
        switch self {
        case .overheat, .chatter: device.hasPrefix("furnace-") ? "furnace-overheat" : "overheat"
        case .gasLeak: "gas-rising"
        case .vibrationBurst: "vib-high"
        case .silent: "silent"
        case .fireRisk: "fire-risk"
        }
    }

    /// The sensors affected unless the hazard names one; empty means the whole device.
    public var defaultSensors: [String] {
        switch self {
        case .overheat, .chatter: ["temperature"]
        case .gasLeak: ["gas_ppm"]
        case .vibrationBurst: ["vibration"]
        case .silent: []
        case .fireRisk: ["temperature", "smoke"]
        }
    }

    /// Whether a hazard of this type may name its own `sensor`.
    var acceptsSensor: Bool { self == .overheat || self == .gasLeak || self == .vibrationBurst }

    /// The duration of random hazards of this type: long enough to trip the rule
    /// (`silent` needs more than `absent(30s)`).
    public var defaultDuration: Double {
        switch self {
        case .overheat: 10
        case .gasLeak: 5
        case .vibrationBurst: 6
        case .silent: 35
        case .fireRisk: 8
        case .chatter: 20
        }
    }

    /// The effect with default strength.
    public var defaultEffect: HazardEffect {
        switch self {
        case .overheat: .rampTo(level: 900)
        case .gasLeak: .rise(perSecond: 200)
        case .vibrationBurst: .scale(factor: 4)
        case .silent: .silence
        case .fireRisk: .atLeast(temperature: 75, smoke: 0.15)
        case .chatter: .bounce(level: 900, periodSeconds: 3)
        }
    }
}
