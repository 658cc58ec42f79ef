/// The values of every sensor of one device at one tick.
public struct DeviceSample: Sendable, Equatable {
    /// The device index.
    public var device: Int
    /// The tick (= the `seq` sent with it).
    public var seq: Int64
    /// Scheduled seconds from the start: `seq / ratePerDevice`.
    public var offset: Double
    /// One value per sensor in kind order; empty when silent.
    public var values: [Double]
    /// True when a `silent` hazard holds: the device publishes nothing this tick.
    public var isSilent: Bool
}
