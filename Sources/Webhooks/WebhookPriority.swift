/// How a message competes for its receiver's delivery slots.
///
/// A burst of messages that matter little (the alerts of series a broken device invented a
/// moment before) must not hold back the one that matters: with four slots and 60 of them
/// queued, a hazard's notification would wait a quarter of a second behind them.
public enum WebhookPriority: Int, Sendable, Comparable, CaseIterable {
    /// Sent first, and may take a receiver's last free slot.
    case normal = 0
    /// Sent after every due normal message, and never in a receiver's last free slot (unless the
    /// receiver has only one), so a normal message's first attempt always finds one.
    case low = 1

    public static func < (lhs: WebhookPriority, rhs: WebhookPriority) -> Bool { lhs.rawValue < rhs.rawValue }

    /// How many of a receiver's `slots` messages of this priority may hold at once.
    func slotLimit(of slots: Int) -> Int {
        switch self {
        case .normal: slots
        case .low: max(1, slots - 1)
        }
    }
}
