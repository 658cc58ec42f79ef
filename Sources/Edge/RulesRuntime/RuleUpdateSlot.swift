import Rules
import Synchronization

/// Hands a newly loaded rule set to the MQTT thread: the loader puts, the thread takes it on
/// its next idle tick (one uncontended lock per tick, never per reading). A newer set replaces
/// one not yet taken.
final class RuleUpdateSlot: Sendable {
    private let pending = Mutex<RuleSet?>(nil)

    func put(_ rules: RuleSet) {
        pending.withLock { $0 = rules }
    }

    func take() -> RuleSet? {
        pending.withLock { slot in
            defer { slot = nil }
            return slot
        }
    }
}
