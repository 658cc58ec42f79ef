@testable import Edge
import TestSupport
import Testing
import Webhooks

@Suite("Core failover and backoff")
struct CoreFailoverTests {
    static let policy = RetryPolicy(initialBackoff: .milliseconds(100), maximumBackoff: .seconds(10))

    @Test("a connection failure moves to the next URL at once; when all failed, the lane backs off")
    func failsOverThenBacksOff() {
        var random = SeededGenerator(seed: 1)
        var failover = CoreFailover(urlCount: 2, backoff: Self.policy)
        let first = failover.ticket
        #expect(first.url == 0)
        #expect(failover.failed(first, .unreachable(reason: "refused"), nowMillis: 1_000, using: &random))
        #expect(failover.current == 1)
        #expect(failover.mayStart(nowMillis: 1_000), "an untried URL is tried at once")
        failover.failed(failover.ticket, .serverError(status: 503), nowMillis: 1_010, using: &random)
        #expect(failover.current == 0)
        #expect(!failover.mayStart(nowMillis: 1_010), "every URL failed: back off")
        #expect(failover.pausedUntil >= 1_010 + 50 && failover.pausedUntil <= 1_010 + 100, "equal jitter on the first ceiling")
    }

    @Test("backoff grows exponentially with jitter and stops at the maximum")
    func backoffIsCappedWithJitter() {
        var random = SeededGenerator(seed: 2)
        var failover = CoreFailover(urlCount: 1, backoff: Self.policy)
        var pauses: [Int64] = []
        var now: Int64 = 0
        for _ in 0..<12 {
            failover.failed(failover.ticket, .unreachable(reason: "x"), nowMillis: now, using: &random)
            pauses.append(failover.pausedUntil - now)
            now = failover.pausedUntil
        }
        for (index, pause) in pauses.enumerated() {
            let ceiling = min(100 << index, 10_000)
            #expect(pause >= Int64(ceiling / 2) && pause <= Int64(ceiling), "attempt \(index + 1): \(pause) ms")
        }
        #expect(Set(pauses.suffix(5)).count > 1, "jittered, not fixed")
    }

    @Test("failures of requests sent before the last counted failure neither move the URL again nor grow the backoff")
    func staleFailuresAreIgnored() {
        var random = SeededGenerator(seed: 3)
        var failover = CoreFailover(urlCount: 2, backoff: Self.policy)
        let tickets = (0..<4).map { _ in failover.ticket }  // four in flight to URL 0
        failover.failed(tickets[0], .unreachable(reason: "reset"), nowMillis: 0, using: &random)
        for ticket in tickets.dropFirst() {
            #expect(!failover.failed(ticket, .unreachable(reason: "reset"), nowMillis: 0, using: &random))
        }
        #expect(failover.current == 1)
        #expect(failover.failures == 1)
        #expect(failover.mayStart(nowMillis: 0))
    }

    @Test("a success sticks to the URL that answered and clears the pause")
    func successSticks() {
        var random = SeededGenerator(seed: 4)
        var failover = CoreFailover(urlCount: 3, backoff: Self.policy)
        failover.failed(failover.ticket, .unreachable(reason: "x"), nowMillis: 0, using: &random)
        let second = failover.ticket
        #expect(second.url == 1)
        failover.succeeded(second)
        #expect(failover.current == 1 && failover.failures == 0 && failover.mayStart(nowMillis: 0))
        // Later failures start from the URL that works, not from the first.
        failover.failed(failover.ticket, .serverError(status: 502), nowMillis: 5, using: &random)
        #expect(failover.current == 2)
    }

    @Test("a refused token pauses the lane for the maximum backoff without moving; 429 honours Retry-After up to the maximum")
    func tokenAndThrottling() {
        var random = SeededGenerator(seed: 5)
        var failover = CoreFailover(urlCount: 2, backoff: Self.policy)
        failover.failed(failover.ticket, .unauthorized(status: 401), nowMillis: 0, using: &random)
        #expect(failover.current == 0)
        #expect(failover.pausedUntil == 10_000)

        var throttled = CoreFailover(urlCount: 2, backoff: Self.policy)
        throttled.failed(throttled.ticket, .throttled(status: 429, retryAfterMillis: 3_000), nowMillis: 0, using: &random)
        #expect(throttled.current == 0 && throttled.pausedUntil == 3_000)
        throttled.failed(throttled.ticket, .throttled(status: 429, retryAfterMillis: 3_600_000), nowMillis: 3_000, using: &random)
        #expect(throttled.pausedUntil == 13_000, "Retry-After is capped at the maximum backoff")
    }

    @Test("a rejected request is that request's problem: the lane goes on")
    func rejectedDoesNotPause() {
        var random = SeededGenerator(seed: 6)
        var failover = CoreFailover(urlCount: 1, backoff: Self.policy)
        failover.failed(failover.ticket, .rejected(status: 400), nowMillis: 0, using: &random)
        #expect(failover.mayStart(nowMillis: 0) && failover.failures == 0)
    }
}
