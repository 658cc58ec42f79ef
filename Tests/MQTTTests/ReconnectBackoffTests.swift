import MQTT
import Testing

@Suite("Reconnect backoff")
struct ReconnectBackoffTests {
    let policy = ReconnectPolicy(initialDelay: .milliseconds(500), maxDelay: .seconds(30), multiplier: 2, jitter: 0.2)

    @Test("without jitter the delay doubles from the initial delay up to the cap")
    func doublesUpToCap() {
        var backoff = ReconnectBackoff(policy: policy)
        let delays = (0..<10).map { _ in backoff.nextDelay(jitter: 0) }
        #expect(delays == [
            .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16),
            .seconds(30), .seconds(30), .seconds(30), .seconds(30),
        ])
    }

    @Test("jitter only shortens a delay, by at most the jitter fraction")
    func jitterBounds() {
        var backoff = ReconnectBackoff(policy: policy)
        var unjittered = ReconnectBackoff(policy: policy)
        for _ in 0..<40 {
            let base = unjittered.nextDelay(jitter: 0)
            let delay = backoff.nextDelay(jitter: .random(in: 0...1))
            #expect(delay <= base)
            #expect(delay >= base * 0.8 - .nanoseconds(1))
        }
        var full = ReconnectBackoff(policy: policy)
        #expect(full.nextDelay(jitter: 1) == .milliseconds(400))
        #expect(full.nextDelay(jitter: 7) == .milliseconds(800), "samples outside 0…1 are clamped")
    }

    @Test("reset starts again from the initial delay")
    func reset() {
        var backoff = ReconnectBackoff(policy: policy)
        for _ in 0..<5 { _ = backoff.nextDelay(jitter: 0) }
        backoff.reset()
        #expect(backoff.attempt == 0)
        #expect(backoff.nextDelay(jitter: 0) == .milliseconds(500))
    }

    @Test("a very long outage stays at the cap")
    func longOutage() {
        var backoff = ReconnectBackoff(policy: policy)
        for _ in 0..<10_000 { _ = backoff.nextDelay(jitter: 0.5) }
        #expect(backoff.nextDelay(jitter: 0) == .seconds(30))
    }
}
