/// One hazard as it will happen in a run: the ground truth a verifier checks alerts against.
public struct InjectedHazard: Sendable, Equatable {
    /// What happens.
    public var type: HazardType
    /// The rule it should trip (``HazardType/rule(device:)``).
    public var rule: String
    /// Where.
    public var site: String
    public var line: String
    public var device: String
    /// The index into ``ScenarioPlan/devices``.
    public var deviceIndex: Int
    /// The affected sensors (every sensor of the device for `silent`).
    public var sensors: [String]
    /// Seconds from the start of the run (scheduled time) when it starts and ends.
    public var startOffset: Double
    public var endOffset: Double
    /// What it does to the values.
    public var effect: HazardEffect
    /// Whether it was drawn from a `random:` entry.
    public var isRandom: Bool
}
