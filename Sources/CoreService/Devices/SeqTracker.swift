/// Counts the messages a device numbered but the core never got, from the `seq` its readings
/// carry. Pure value type, no I/O.
///
/// A device counts its messages (`seq`); a reading without one (`-1`) is ignored. The tracker
/// keeps the highest `seq` seen and which of the 64 below it were seen, so:
/// - a jump forward counts the numbers skipped as **missing**;
/// - a number inside the window not seen yet arrives **late** (it was counted missing, so the
///   count goes down again: reordering is not loss);
/// - a number seen before is a **repeat** (one message with several sensors gives several
///   readings with its `seq`, or a duplicate delivery) and changes nothing;
/// - a number far behind, or a fresh start near 0, is a **restart** of the device's counter;
/// - a jump forward of more than ``maxJump`` is a restart too (a device that lost its counter,
///   or garbage), so one bad number cannot add billions of missing messages.
public struct SeqTracker: Sendable, Equatable, Codable {
    /// Messages skipped and not (yet) arrived late.
    public private(set) var missing: Int64 = 0
    /// Messages that arrived after a higher number (reordered; within the window of 64).
    public private(set) var late: Int64 = 0
    /// Times the device's counter started over.
    public private(set) var restarts: Int64 = 0
    /// The highest `seq` since the last restart, or nil before the first.
    public private(set) var highest: Int64?
    /// Bit `k`: `highest - k` was seen.
    private var seen: UInt64 = 0

    /// The largest forward jump counted as missing messages.
    public static let maxJump: Int64 = 100_000
    /// A counter that restarts starts below this.
    public static let freshStart: Int64 = 16

    public init() {}

    /// Takes one reading's `seq` (`-1`: none).
    public mutating func observe(_ seq: Int64) {
        guard seq >= 0 else { return }
        guard let top = highest else {
            start(at: seq)
            return
        }
        if seq > top {
            let jump = seq - top
            guard jump <= Self.maxJump else {
                restarts += 1
                start(at: seq)
                return
            }
            missing += jump - 1
            seen = jump >= 64 ? 1 : (seen << UInt64(jump)) | 1
            highest = seq
            return
        }
        let behind = top - seq
        if behind < 64 {
            let bit: UInt64 = 1 << UInt64(behind)
            if seen & bit == 0 {
                seen |= bit
                late += 1
                missing -= 1
            }
            return
        }
        // Behind the window: a device that started over, or a very late message.
        if seq < Self.freshStart || behind > Self.maxJump {
            restarts += 1
            start(at: seq)
        } else {
            late += 1
        }
    }

    /// Whether a restored tracker holds figures it could have reached (none negative but
    /// `missing`, which late messages beyond the window leave as counted).
    var isPlausible: Bool { late >= 0 && restarts >= 0 && (highest ?? 0) >= 0 }

    private mutating func start(at seq: Int64) {
        highest = seq
        seen = 1
    }
}
