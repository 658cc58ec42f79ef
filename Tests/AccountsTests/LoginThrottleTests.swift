import Accounts
import Testing

@Suite("Login throttling: per name and per address, for a window, bounded")
struct LoginThrottleTests {
    @Test("five failures for a name refuse that name (from anywhere) until the window ends; other names go on")
    func perName() {
        var throttle = LoginThrottle()
        for attempt in 0..<5 {
            #expect(throttle.check(user: "ana", address: "10.0.0.\(attempt)", nowMillis: 1_000) == .allowed)
            throttle.recordFailure(user: "ana", address: "10.0.0.\(attempt)", nowMillis: 1_000)
        }
        #expect(throttle.check(user: "ana", address: "10.0.0.9", nowMillis: 2_000) == .refused(retryAfterMillis: 899_000))
        #expect(throttle.check(user: "minsu", address: "10.0.0.9", nowMillis: 2_000) == .allowed)
        #expect(throttle.check(user: "ana", address: "10.0.0.9", nowMillis: 901_000) == .allowed, "the window is over")
    }

    @Test("twenty failures from one address refuse every name from it; a success clears the name, not the address")
    func perAddress() {
        var throttle = LoginThrottle()
        for index in 0..<20 { throttle.recordFailure(user: "guess\(index)", address: "203.0.113.7", nowMillis: 0) }
        #expect(throttle.check(user: "ana", address: "203.0.113.7", nowMillis: 10) != .allowed)
        #expect(throttle.check(user: "ana", address: "198.51.100.1", nowMillis: 10) == .allowed)
        var other = LoginThrottle()
        for _ in 0..<4 { other.recordFailure(user: "ana", address: "a", nowMillis: 0) }
        other.recordSuccess(user: "ana")
        other.recordFailure(user: "ana", address: "a", nowMillis: 1)
        #expect(other.check(user: "ana", address: "b", nowMillis: 2) == .allowed, "the count started again after the success")
    }

    @Test("the table stays within its capacity under a spray of names")
    func bounded() {
        var policy = LoginThrottle.Policy()
        policy.capacity = 100
        var throttle = LoginThrottle(policy: policy)
        for index in 0..<1_000 { throttle.recordFailure(user: "name\(index)", address: "10.0.\(index % 250).1", nowMillis: Int64(index)) }
        #expect(throttle.trackedCount <= 101)
    }
}
