/// When the next messages are due, for a target rate: message `i` is due at
/// `start + i / rate`. Computing from the start instead of from the previous send means
/// rounding and scheduling jitter never accumulate, so the achieved rate over any long
/// window equals the target (when the broker keeps up).
///
/// Pure value type: the caller passes the clock.
public struct PublishSchedule: Sendable, Equatable {
    /// Messages per second; 0 means flat out.
    public let rate: Double
    /// Most messages released at once, so a stall is not followed by an unbounded burst.
    public let maxBurst: Int
    public private(set) var startNanos: UInt64?
    /// Messages released so far.
    public private(set) var released: Int64 = 0

    public init(rate: Double, maxBurst: Int = 256) {
        self.rate = rate
        self.maxBurst = maxBurst
    }

    /// How many messages may be sent now, and marks them released.
    public mutating func release(nowNanos: UInt64, limit: Int64 = .max) -> Int {
        if startNanos == nil { startNanos = nowNanos }
        let allowed: Int64
        if rate <= 0 {
            allowed = Int64(maxBurst)
        } else {
            let elapsed = Double(nowNanos &- startNanos!) / 1e9
            let due = Int64((elapsed * rate).rounded(.down)) + 1
            allowed = min(Int64(maxBurst), max(0, due - released))
        }
        let n = Int(min(allowed, max(0, limit - released)))
        released += Int64(n)
        return n
    }

    /// Nanoseconds until the next message is due (0 when one is due now or flat out).
    public func nanosUntilNext(nowNanos: UInt64) -> UInt64 {
        guard rate > 0, let startNanos else { return 0 }
        let dueAt = startNanos &+ UInt64(Double(released) / rate * 1e9)
        return dueAt > nowNanos ? dueAt - nowNanos : 0
    }
}
