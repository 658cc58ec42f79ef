/// How long to wait between reconnection attempts: capped exponential backoff with jitter.
public struct ReconnectPolicy: Sendable, Equatable {
    /// The delay after the first failure.
    public var initialDelay: Duration
    /// The delay never grows past this.
    public var maxDelay: Duration
    /// Each further failure multiplies the delay by this (≥ 1).
    public var multiplier: Double
    /// Fraction (0…1) of each delay that is randomised away, so that many gateways
    /// restarted together do not reconnect in lockstep.
    public var jitter: Double

    public init(
        initialDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(30),
        multiplier: Double = 2,
        jitter: Double = 0.2
    ) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.multiplier = multiplier
        self.jitter = jitter
    }
}
