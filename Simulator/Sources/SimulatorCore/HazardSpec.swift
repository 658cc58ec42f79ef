/// A hazard as written in a scenario: at a given time, or a number of random ones.
public enum HazardSpec: Sendable, Equatable {
    /// One hazard on one device.
    case fixed(FixedHazard)
    /// `count` hazards of the given types at random devices and times, drawn from the seed.
    case random(RandomHazards)
}

/// One hazard on one device at a given time.
public struct FixedHazard: Sendable, Equatable {
    /// What happens.
    public var type: HazardType
    /// The device's name; `site` and `line` narrow it when the name is not unique.
    public var device: String
    /// Narrows `device` to one site.
    public var site: String?
    /// Narrows `device` to one line.
    public var line: String?
    /// The affected sensors (the type's defaults unless the file names one).
    public var sensors: [String]
    /// Seconds from the start of the run.
    public var start: Double
    /// Seconds the hazard lasts.
    public var duration: Double
    /// What it does to the values.
    public var effect: HazardEffect

    /// Creates a value; see the properties.
    public init(type: HazardType, device: String, site: String? = nil, line: String? = nil, sensors: [String], start: Double, duration: Double, effect: HazardEffect) {
        self.type = type
        self.device = device
        self.site = site
        self.line = line
        self.sensors = sensors
        self.start = start
        self.duration = duration
        self.effect = effect
    }
}

/// Random hazards, resolved deterministically from the seed by ``ScenarioPlan``.
public struct RandomHazards: Sendable, Equatable {
    /// How many.
    public var count: Int
    /// The types to choose from, uniformly.
    public var types: [HazardType]
    /// Every hazard starts and ends within this many seconds of the start.
    public var within: Double
    /// The duration of each; each type's ``HazardType/defaultDuration`` when nil.
    public var duration: Double?

    /// Creates a value; see the properties.
    public init(count: Int, types: [HazardType], within: Double, duration: Double? = nil) {
        self.count = count
        self.types = types
        self.within = within
        self.duration = duration
    }
}
