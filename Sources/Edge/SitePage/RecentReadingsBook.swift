import Clocks
import Readings
import Synchronization

/// ``RecentReadings`` shared between the spool writer thread, which records each hand-off it
/// takes (one lock per hand-off of ~50 ms of readings, never per message, and before the commit:
/// a spool that cannot be written does not blank the page), and the site page's requests.
final class RecentReadingsBook: Sendable {
    private let state = Mutex(RecentReadings())

    init() {}

    /// Records what a hand-off carries (the spool writer's thread).
    func record(_ handoffs: [Handoff], nowMillis: Int64 = WallClock.millis()) {
        state.withLock { recent in
            for handoff in handoffs { recent.record(handoff.columns, nowMillis: nowMillis) }
        }
    }

    /// The series as they are now, taken in O(1); lists are built from it outside the lock.
    var listing: RecentReadings.Listing { state.withLock { $0.listing } }

    /// Reads under the lock; keep `body` short (the spool writer waits for it).
    func read<T>(_ body: (RecentReadings) -> T) -> T {
        state.withLock { body($0) }
    }
}
