import Webhooks

/// Which core URL a lane uses and when it may send again: failover across URLs and capped
/// exponential backoff with jitter, without I/O (times are arguments, randomness is injected).
///
/// - A connection failure or 5xx moves to the next URL, at once while some URL has not failed
///   since the last success; once every URL has failed, the lane pauses with backoff.
/// - A success sticks to the URL that answered and clears the failures.
/// - Failures of requests sent before the last counted failure (several were in flight when
///   the core went away) say nothing new: they neither move the URL again nor grow the backoff.
struct CoreFailover: Sendable {
    /// Identifies a request: which URL, and the failure epoch it was sent in.
    struct Ticket: Sendable, Equatable {
        var url: Int
        var epoch: Int
    }

    let urlCount: Int
    let backoff: RetryPolicy
    private(set) var current = 0
    private(set) var epoch = 0
    /// Failures counted since the last success.
    private(set) var failures = 0
    /// No new request starts before this time (milliseconds on the caller's clock).
    private(set) var pausedUntil: Int64 = .min

    init(urlCount: Int, backoff: RetryPolicy) {
        precondition(urlCount > 0, "at least one core URL")
        self.urlCount = urlCount
        self.backoff = backoff
    }

    func mayStart(nowMillis: Int64) -> Bool { nowMillis >= pausedUntil }

    /// The ticket for a request starting now.
    var ticket: Ticket { Ticket(url: current, epoch: epoch) }

    mutating func succeeded(_ ticket: Ticket) {
        failures = 0
        current = ticket.url
        pausedUntil = .min
    }

    /// Records a failed request.
    /// - Returns: whether the lane moved to another URL (for the log and metrics).
    @discardableResult
    mutating func failed(_ ticket: Ticket, _ outcome: ForwardOutcome, nowMillis: Int64, using random: inout some RandomNumberGenerator) -> Bool {
        switch outcome {
        case .acknowledged, .rejected, .unknownSeries:
            return false  // a rejected request is that request's problem, not the core's
        case .unauthorized:
            // Every request would be refused alike until someone fixes the token: wait long.
            guard ticket.epoch == epoch else { return false }
            epoch += 1
            pausedUntil = max(pausedUntil, nowMillis + backoff.maximumBackoff.milliseconds)
            return false
        case .throttled(_, let retryAfter):
            guard ticket.epoch == epoch else { return false }
            epoch += 1
            failures += 1
            var delay = jittered(failures, using: &random)
            if let retryAfter { delay = max(delay, min(retryAfter, backoff.maximumBackoff.milliseconds)) }
            pausedUntil = max(pausedUntil, nowMillis + delay)
            return false
        case .unreachable, .serverError, .foreignAnswer:
            guard ticket.epoch == epoch else { return false }
            epoch += 1
            failures += 1
            let moved = urlCount > 1 && ticket.url == current
            if ticket.url == current { current = (current + 1) % urlCount }
            if failures >= urlCount {
                pausedUntil = max(pausedUntil, nowMillis + jittered(failures - urlCount + 1, using: &random))
            }
            return moved
        }
    }

    /// "Equal jitter": half the ceiling plus a random half, so a retry never comes at once
    /// and a fleet of edges coming back after an outage spreads out.
    private func jittered(_ attempt: Int, using random: inout some RandomNumberGenerator) -> Int64 {
        let ceiling = backoff.ceilingMillis(afterFailedAttempts: attempt)
        return ceiling / 2 + Int64.random(in: 0...(ceiling - ceiling / 2), using: &random)
    }
}
