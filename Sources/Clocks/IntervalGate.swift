import Synchronization

/// Lets work through at most once per interval, from any thread: for costly figures that
/// requests would otherwise recompute each time (a `/metrics` scrape every few seconds).
public final class IntervalGate: Sendable {
    private let intervalMillis: Int64
    private let lastMillis = Atomic<Int64>(.min)

    public init(every interval: Duration) {
        intervalMillis = interval.milliseconds
    }

    /// Whether the work is due at `nowMillis`; when it is, the interval starts again now (one
    /// caller of several at the same moment gets true).
    public func claim(nowMillis: Int64) -> Bool {
        let last = lastMillis.load(ordering: .relaxed)
        // A wall clock stepped back must not hold the work off until it catches up.
        guard last == .min || nowMillis - last >= intervalMillis || nowMillis < last else { return false }
        return lastMillis.compareExchange(expected: last, desired: nowMillis, ordering: .relaxed).exchanged
    }
}
