/// The engine's deadlines (`for`, `repeat`, `absent`) in a binary min-heap.
///
/// Entries are never removed early: each carries the alert's generation (or, for `absent`, is
/// re-checked against the series' last reading when it comes due), so a stale entry is simply
/// dropped when popped. Readings never touch the heap except to arm an `absent` check after a
/// silence, which keeps the hot path free of timer work.
struct TimerHeap: ~Copyable {
    enum Kind: UInt8, BitwiseCopyable {
        /// A pending alert's `for` has elapsed.
        case hold
        /// A firing alert is due for a repeat notification.
        case repeatNotification
        /// A series may have been silent for its rule's shortest `absent(d)`.
        case absent
        /// A chattering alert's condition has stayed clear for the off-delay.
        case release
    }

    struct Entry: BitwiseCopyable {
        var deadline: Int64
        var alert: Int32
        var kind: Kind
        var generation: UInt32
    }

    private var entries = Slab<Entry>(capacity: 64)

    var count: Int { entries.count }
    var nextDeadline: Int64? { entries.count > 0 ? entries[0].deadline : nil }

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[parent].deadline > entry.deadline else { break }
            entries[child] = entries[parent]
            child = parent
        }
        entries[child] = entry
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(_ now: Int64) -> Entry? {
        guard entries.count > 0, entries[0].deadline <= now else { return nil }
        let top = entries[0]
        let last = entries.removeLast()
        let count = entries.count
        guard count > 0 else { return top }
        var parent = 0
        while true {
            var child = 2 * parent + 1
            guard child < count else { break }
            if child + 1 < count, entries[child + 1].deadline < entries[child].deadline { child += 1 }
            guard entries[child].deadline < last.deadline else { break }
            entries[parent] = entries[child]
            parent = child
        }
        entries[parent] = last
        return top
    }
}
