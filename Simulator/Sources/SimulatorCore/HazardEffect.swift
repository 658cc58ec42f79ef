/// What a hazard does to the values of its sensors while it is active.
public enum HazardEffect: Sendable, Equatable {
    /// Ramp linearly from the normal value to `level` over the first 20% of the window, then hold
    /// (`overheat`, key `level`).
    case rampTo(level: Double)
    /// Add `perSecond × seconds since start` (`gas-leak`, key `rate`).
    case rise(perSecond: Double)
    /// Multiply the normal value (`vibration-burst`, key `factor`).
    case scale(factor: Double)
    /// Hold temperature at least at `temperature` and smoke at least at `smoke` (`fire-risk`,
    /// keys `level` and `smoke`).
    case atLeast(temperature: Double, smoke: Double)
    /// Publish nothing (`silent`).
    case silence
    /// `level` for the first half of every `periodSeconds`, the normal value for the second
    /// (`chatter`, keys `level` and `period`).
    case bounce(level: Double, periodSeconds: Double)
}
