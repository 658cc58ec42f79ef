/// A hazard's effect on one sensor (or the whole device) during [start, end) seconds.
struct ScheduledEffect: Sendable {
    enum Action: Sendable {
        case rampTo(Double)
        case rise(Double)
        case scale(Double)
        case atLeast(Double)
        case silence
        case bounce(Double, period: Double)
    }

    /// The sensor index, or -1 for the whole device.
    let sensor: Int
    let start: Double
    let end: Double
    let action: Action

    /// Applies the effect at `t` seconds (inside the window) to a normal value.
    func apply(_ value: Double, at t: Double) -> Double {
        switch action {
        case .rampTo(let level):
            let progress = min(1, (t - start) / max(0.2 * (end - start), 1e-9))
            return value + (level - value) * progress
        case .rise(let perSecond): return value + perSecond * (t - start)
        case .scale(let factor): return value * factor
        case .atLeast(let floor): return max(value, floor)
        case .silence: return value
        case .bounce(let level, let period):
            return (t - start).truncatingRemainder(dividingBy: period) < period / 2 ? level : value
        }
    }
}
