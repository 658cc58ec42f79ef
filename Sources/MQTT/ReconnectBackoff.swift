/// The reconnect delay as a pure state machine: no clock, no randomness, no I/O.
///
/// The n-th delay (from 0) is `min(maxDelay, initialDelay × multiplierⁿ)`, shortened by
/// `policy.jitter × sample` of itself, where `sample` in 0…1 is supplied by the caller:
/// delays stay within `[base × (1 − jitter), base]` and never exceed the cap.
public struct ReconnectBackoff: Sendable, Equatable {
    public let policy: ReconnectPolicy
    /// Failures since the last ``reset()``.
    public private(set) var attempt: Int = 0

    public init(policy: ReconnectPolicy) {
        self.policy = policy
    }

    /// The delay before the next attempt; advances the state.
    /// - Parameter jitter: a uniform random sample in `0...1` (clamped).
    public mutating func nextDelay(jitter sample: Double) -> Duration {
        let initial = Self.seconds(policy.initialDelay)
        let cap = max(initial, Self.seconds(policy.maxDelay))
        let multiplier = max(1, policy.multiplier)
        var base = initial
        // Grow step by step so a long outage cannot overflow the power.
        for _ in 0..<attempt where base < cap { base *= multiplier }
        base = min(base, cap)
        attempt += 1
        let fraction = min(max(policy.jitter, 0), 1) * min(max(sample, 0), 1)
        return .nanoseconds(Int64((base * (1 - fraction) * 1e9).rounded()))
    }

    /// Call after a successful connection: the next failure starts from `initialDelay` again.
    public mutating func reset() {
        attempt = 0
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
