import Foundation

/// When to try a failed webhook again: exponential backoff with full jitter, capped, honouring a
/// receiver's `Retry-After`, until the message is older than its receiver's maximum age.
///
/// A pure value: every decision takes the times and the random generator as arguments, so it is
/// tested with explicit times and a seeded generator.
///
/// With the defaults the ceilings are 1 s, 2 s, 4 s, … 5 min, and each delay is drawn uniformly
/// from zero up to the ceiling ("full jitter"), which spreads a burst of retries after an outage.
public struct RetryPolicy: Sendable, Equatable {
    /// The backoff ceiling after the first failed attempt.
    public var initialBackoff: Duration
    /// The largest backoff ceiling, and the most of a `Retry-After` that is honoured (a receiver
    /// asking for an hour is retried after this instead, and may ask again).
    public var maximumBackoff: Duration
    /// How much the ceiling grows after each failed attempt.
    public var multiplier: Double

    public init(initialBackoff: Duration = .seconds(1), maximumBackoff: Duration = .seconds(300), multiplier: Double = 2) {
        precondition(initialBackoff > .zero && maximumBackoff >= initialBackoff && multiplier >= 1, "invalid retry policy")
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.multiplier = multiplier
    }

    /// What to do with a message whose attempt just failed.
    public enum Decision: Sendable, Equatable {
        /// Try again at this unix time in milliseconds.
        case retry(atMillis: Int64)
        /// The next try would be past the message's maximum age: give up ("expired").
        case expire
    }

    /// The backoff ceiling after `failedAttempts` failures (1 → `initialBackoff`), in milliseconds.
    public func ceilingMillis(afterFailedAttempts failedAttempts: Int) -> Int64 {
        let initial = initialBackoff.milliseconds
        let maximum = maximumBackoff.milliseconds
        let exponent = Double(max(failedAttempts, 1) - 1)
        let ceiling = Double(initial) * pow(multiplier, exponent)
        return ceiling >= Double(maximum) ? maximum : max(Int64(ceiling), 1)
    }

    /// The delay before the next attempt, in milliseconds: uniform in 0...ceiling, and at least
    /// `retryAfter` (capped at `maximumBackoff`) when the receiver sent one.
    public func delayMillis(
        afterFailedAttempts failedAttempts: Int, retryAfter: Duration? = nil,
        using generator: inout some RandomNumberGenerator
    ) -> Int64 {
        let jittered = Int64.random(in: 0...ceilingMillis(afterFailedAttempts: failedAttempts), using: &generator)
        guard let retryAfter else { return jittered }
        return max(jittered, min(retryAfter.milliseconds, maximumBackoff.milliseconds))
    }

    /// Decides the fate of a message after a failed attempt.
    /// - Parameters:
    ///   - failedAttempts: attempts made so far, including the one that just failed.
    ///   - createdAtMillis: when the message was enqueued.
    ///   - nowMillis: now.
    ///   - maxAge: how long after creation the message may still be delivered.
    ///   - retryAfter: the receiver's `Retry-After`, if it sent one.
    public func decide(
        failedAttempts: Int, createdAtMillis: Int64, nowMillis: Int64, maxAge: Duration,
        retryAfter: Duration? = nil, using generator: inout some RandomNumberGenerator
    ) -> Decision {
        let next = nowMillis + delayMillis(afterFailedAttempts: failedAttempts, retryAfter: retryAfter, using: &generator)
        return next >= createdAtMillis + maxAge.milliseconds ? .expire : .retry(atMillis: next)
    }
}
