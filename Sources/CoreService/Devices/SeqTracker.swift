/// Counts the messages a device numbered but the core never got, from the `seq` its readings
/// carry. Pure value type, no I/O.
///
/// A device counts its messages (`seq`); a reading without one (`-1`) is ignored. The tracker
/// keeps the highest `seq` seen and which of the ``window`` below it were seen, so:
/// - a jump forward counts the numbers skipped as **missing**;
/// - a number skipped before arrives **late** and is no longer missing (reordering is not loss:
///   an edge sends several batches at once, and the core may store a later one first);
/// - a number seen before, or from before the tracker started, is a **repeat** (one message with
///   several sensors gives several readings with its `seq`, or a duplicate delivery): no change;
/// - a fresh start near 0 far behind, taken after the highest (by the reading's `ts`), or a
///   number very far behind, is a **restart** of the device's counter; a fresh start taken
///   before the highest is a late batch of a young device (its first messages stored after
///   later ones), not a restart;
/// - a jump forward of more than ``maxJump`` is a restart too (a device that lost its counter,
///   or garbage), so one bad number cannot add billions of missing messages.
/// Behind the window it cannot tell a late message from a repeat: it takes it as late (missing
/// goes down, never below 0).
public struct SeqTracker: Sendable, Equatable, Codable {
    /// Messages skipped and not (yet) arrived late.
    public private(set) var missing: Int64 = 0
    /// Messages that arrived after a higher number.
    public private(set) var late: Int64 = 0
    /// Times the device's counter started over.
    public private(set) var restarts: Int64 = 0
    /// The highest `seq` since the last restart, or nil before the first.
    public private(set) var highest: Int64?
    /// The `ts` of the reading with the highest `seq`.
    private var highestTs: Int64 = .min
    /// Bit `k` of word `k / 64`: `highest - k` was seen (or came before the start).
    private var seen: [UInt64] = []
    /// Set on a tracker restored from a record that may be older than what the store holds (a
    /// core that did not stop cleanly): its next jump forward re-anchors instead of counting.
    private var resuming = false

    /// Numbers behind the highest that are told apart (late vs repeat).
    public static let window: Int64 = 256
    /// The largest forward jump counted as missing messages.
    public static let maxJump: Int64 = 100_000
    /// A counter that restarts starts below this.
    public static let freshStart: Int64 = 16
    /// Counts are kept below this (no figure a device could reach in centuries).
    static let countLimit: Int64 = 1 << 50

    public init() {}

    /// Takes one reading's `seq` (`-1`: none) and `ts`.
    public mutating func observe(_ seq: Int64, ts: Int64) {
        guard seq >= 0 else { return }
        guard let top = highest else {
            start(at: seq, ts: ts)
            return
        }
        if seq > top {
            let jump = seq - top
            if jump > Self.maxJump {
                restarts = min(restarts + 1, Self.countLimit)
                start(at: seq, ts: ts)
            } else if resuming {
                start(at: seq, ts: ts)
            } else {
                missing = min(missing + jump - 1, Self.countLimit)
                shift(by: jump)
                highest = seq
                highestTs = ts
            }
            resuming = false
            return
        }
        resuming = false
        let behind = top - seq
        if behind < Self.window {
            let word = Int(behind / 64), bit: UInt64 = 1 << UInt64(behind % 64)
            if seen[word] & bit == 0 {
                seen[word] |= bit
                late = min(late + 1, Self.countLimit)
                missing = max(missing - 1, 0)
            }
            return
        }
        if (seq < Self.freshStart && ts > highestTs) || behind > Self.maxJump {
            restarts = min(restarts + 1, Self.countLimit)
            start(at: seq, ts: ts)
        } else {
            late = min(late + 1, Self.countLimit)
            missing = max(missing - 1, 0)
        }
    }

    /// Marks a restored tracker: its next jump forward re-anchors (see `resuming`).
    public mutating func resume() {
        resuming = true
    }

    /// Adds another tracker's counts (a device heard from before the store's record was restored).
    mutating func addCounts(of other: SeqTracker) {
        missing = min(missing + other.missing, Self.countLimit)
        late = min(late + other.late, Self.countLimit)
        restarts = min(restarts + other.restarts, Self.countLimit)
    }

    /// Whether a restored tracker holds figures it could have reached.
    var isPlausible: Bool {
        let counts = [missing, late, restarts]
        return counts.allSatisfy { (0...Self.countLimit).contains($0) } && (highest ?? 0) >= 0
            && seen.count == (highest == nil ? 0 : Int(Self.window / 64))
    }

    private mutating func start(at seq: Int64, ts: Int64) {
        highest = seq
        highestTs = ts
        // Numbers below the start were never counted missing: taken as seen.
        seen = [UInt64](repeating: ~0, count: Int(Self.window / 64))
    }

    /// Moves the window up by `jump`: the new highest is seen, the numbers between are not.
    private mutating func shift(by jump: Int64) {
        let words = seen.count
        guard jump < Self.window else {
            seen = [UInt64](repeating: 0, count: words)
            seen[0] = 1
            return
        }
        let wordShift = Int(jump / 64), bitShift = UInt64(jump % 64)
        var shifted = [UInt64](repeating: 0, count: words)
        for index in stride(from: words - 1, through: wordShift, by: -1) {
            let from = index - wordShift
            var value = seen[from] << bitShift
            if bitShift > 0, from > 0 { value |= seen[from - 1] >> (64 - bitShift) }
            shifted[index] = value
        }
        shifted[0] |= 1
        seen = shifted
    }
}
