import TestSupport
import Testing
@testable import Webhooks

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test("ceilings double from the initial backoff up to the cap")
    func ceilings() {
        let policy = RetryPolicy()
        #expect((1...12).map { policy.ceilingMillis(afterFailedAttempts: $0) } == [
            1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000, 300_000,
        ])
        #expect(policy.ceilingMillis(afterFailedAttempts: 10_000) == 300_000)
        #expect(RetryPolicy(initialBackoff: .milliseconds(50), maximumBackoff: .seconds(1)).ceilingMillis(afterFailedAttempts: 3) == 200)
    }

    @Test("full jitter stays within 0...ceiling and is reproducible with a seed")
    func jitter() {
        let policy = RetryPolicy()
        var first = SeededGenerator(seed: 42)
        var second = SeededGenerator(seed: 42)
        let a = (1...20).map { policy.delayMillis(afterFailedAttempts: $0, using: &first) }
        let b = (1...20).map { policy.delayMillis(afterFailedAttempts: $0, using: &second) }
        #expect(a == b)
        for (index, delay) in a.enumerated() {
            #expect(delay >= 0 && delay <= policy.ceilingMillis(afterFailedAttempts: index + 1))
        }
        // Jitter spreads: 200 draws after the 5th failure are not all alike and cover the range.
        var generator = SeededGenerator(seed: 1)
        let draws = (0..<200).map { _ in policy.delayMillis(afterFailedAttempts: 5, using: &generator) }
        #expect(Set(draws).count > 150)
        #expect(draws.min()! < 2_000 && draws.max()! > 14_000)
    }

    @Test("Retry-After is a floor, capped at the maximum backoff")
    func retryAfter() {
        let policy = RetryPolicy(initialBackoff: .milliseconds(50), maximumBackoff: .seconds(10))
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<50 {
            #expect(policy.delayMillis(afterFailedAttempts: 1, retryAfter: .seconds(2), using: &generator) == 2_000)
            #expect(policy.delayMillis(afterFailedAttempts: 1, retryAfter: .seconds(3_600), using: &generator) == 10_000)
        }
    }

    @Test("retries until the next attempt would pass the maximum age")
    func expiry() {
        let policy = RetryPolicy(initialBackoff: .seconds(1), maximumBackoff: .seconds(60))
        var generator = SeededGenerator(seed: 9)
        let created: Int64 = 1_000_000
        #expect(
            policy.decide(
                failedAttempts: 1, createdAtMillis: created, nowMillis: created + 100, maxAge: .seconds(60),
                retryAfter: .seconds(5), using: &generator) == .retry(atMillis: created + 5_100))
        #expect(
            policy.decide(
                failedAttempts: 1, createdAtMillis: created, nowMillis: created + 58_000, maxAge: .seconds(60),
                retryAfter: .seconds(5), using: &generator) == .expire)
        #expect(
            policy.decide(
                failedAttempts: 3, createdAtMillis: created, nowMillis: created + 60_000, maxAge: .seconds(60),
                using: &generator) == .expire)
        if case .retry(let at) = policy.decide(
            failedAttempts: 3, createdAtMillis: created, nowMillis: created + 10_000, maxAge: .seconds(60), using: &generator)
        {
            #expect(at >= created + 10_000 && at <= created + 14_000)
        } else {
            Issue.record("expected a retry")
        }
    }
}
