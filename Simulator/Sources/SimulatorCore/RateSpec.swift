/// How fast devices publish.
public enum RateSpec: Sendable, Equatable {
    /// Readings per second per sensor of each device, i.e. device ticks per second.
    case perDevice(Double)
    /// Readings per second over the whole factory (every sensor of every device), shared evenly.
    case total(Double)
}
