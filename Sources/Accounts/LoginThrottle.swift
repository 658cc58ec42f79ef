/// Limits password guessing: after `maxFailuresPerUser` wrong passwords for one name, or
/// `maxFailuresPerAddress` from one client address, within `windowMillis`, logins for that name
/// (or from that address) are refused until the window ends, without checking the password.
///
/// Pure state (the caller passes the time), bounded: at `capacity` entries, expired ones go
/// first, then the oldest (an attacker spraying names from many addresses can push a name's
/// count out; the per-address limit and the bounded number of checks at once (``LoginGate``)
/// still hold).
public struct LoginThrottle: Sendable {
    public struct Policy: Sendable, Equatable {
        public var maxFailuresPerUser = 5
        public var maxFailuresPerAddress = 20
        public var windowMillis: Int64 = 15 * 60_000
        public var capacity = 10_000
        public init() {}
    }

    /// Whether a login may be checked now.
    public enum Verdict: Sendable, Equatable {
        case allowed
        /// Refused; try again after this many milliseconds.
        case refused(retryAfterMillis: Int64)
    }

    private struct Failures {
        var count: Int
        var windowStartMillis: Int64
    }

    private enum Key: Hashable {
        case user(String)
        case address(String)
    }

    public let policy: Policy
    private var failures: [Key: Failures] = [:]

    public init(policy: Policy = Policy()) {
        self.policy = policy
    }

    public func check(user: String, address: String, nowMillis: Int64) -> Verdict {
        let waits = [(Key.user(user), policy.maxFailuresPerUser), (Key.address(address), policy.maxFailuresPerAddress)].compactMap { key, limit -> Int64? in
            guard let entry = failures[key], entry.count >= limit else { return nil }
            let ends = entry.windowStartMillis + policy.windowMillis
            return ends > nowMillis ? ends - nowMillis : nil
        }
        return waits.max().map { .refused(retryAfterMillis: $0) } ?? .allowed
    }

    /// A wrong password (or an unknown name) for `user` from `address`.
    public mutating func recordFailure(user: String, address: String, nowMillis: Int64) {
        for key in [Key.user(user), Key.address(address)] {
            if var entry = failures[key], nowMillis - entry.windowStartMillis < policy.windowMillis {
                entry.count += 1
                failures[key] = entry
            } else {
                makeRoom(nowMillis: nowMillis)
                failures[key] = Failures(count: 1, windowStartMillis: nowMillis)
            }
        }
    }

    /// A successful login clears the name's failures (the address's stay: one right password
    /// does not buy an address more guesses at other names).
    public mutating func recordSuccess(user: String) {
        failures[.user(user)] = nil
    }

    public var trackedCount: Int { failures.count }

    private mutating func makeRoom(nowMillis: Int64) {
        guard failures.count >= policy.capacity else { return }
        failures = failures.filter { nowMillis - $0.value.windowStartMillis < policy.windowMillis }
        if failures.count >= policy.capacity, let oldest = failures.min(by: { $0.value.windowStartMillis < $1.value.windowStartMillis })?.key {
            failures[oldest] = nil
        }
    }
}
