/// How one sensor's values evolve tick by tick. Times are in seconds of scheduled time.
public enum SensorProfile: Sendable, Equatable {
    /// A mean-reverting random walk (discrete Ornstein–Uhlenbeck): each tick moves
    /// `reversion` (0…1) of the way back to `mean`, plus Gaussian noise sized so the long-run
    /// standard deviation is `sd`; clamped to `min…max`.
    case randomWalk(mean: Double, sd: Double, reversion: Double, min: Double, max: Double)
    /// `mean + amplitude·sin(2π·t/period + phase) + noise·N(0,1)`, phase fixed per device by the seed.
    case sine(mean: Double, amplitude: Double, period: Double, noise: Double)
    /// `start + step·seq`.
    case counter(start: Double, step: Double)
    /// Cycles through `levels`, holding each for `every` seconds.
    case step(levels: [Double], every: Double)
    /// Always `value`.
    case constant(value: Double)

    /// The profile's name in scenario files.
    public var name: String {
        switch self {
        case .randomWalk: "random-walk"
        case .sine: "sine"
        case .counter: "counter"
        case .step: "step"
        case .constant: "constant"
        }
    }
}
