/// One sensor of a device kind.
public struct SensorSpec: Sendable, Equatable {
    /// The sensor segment of the topic and the key in device objects (`temperature`).
    public var name: String
    /// The unit sent in `object` payloads (`C`), if any.
    public var unit: String?
    /// Digits after the decimal point in rendered values.
    public var decimals: Int
    /// How values evolve.
    public var profile: SensorProfile

    /// Creates a sensor; see the properties.
    public init(name: String, unit: String? = nil, decimals: Int = 2, profile: SensorProfile) {
        self.name = name
        self.unit = unit
        self.decimals = decimals
        self.profile = profile
    }
}
