import Webhooks

/// Stop commands that wait to go out while their alert fires: those whose publish failed, and
/// those held by their rule's cooldown.
///
/// A command that could not be published (the broker connection is down and QoS 0 cannot be
/// queued, or the client refused it) is tried again after 1 s, 2 s, 4 s … at most 30 s apart,
/// until it goes out or its alert resolves. A command inside its cooldown goes when the cooldown
/// ends, if its alert still fires then: a hazard that returns soon after the last command must
/// not be left without one. Bounded: beyond ``capacity`` the oldest is given up (counted). Pure:
/// the caller passes the time.
struct CommandRetries {
    struct Command: Sendable, Equatable {
        var alertID: String
        var rule: String
        var site: String
        var line: String
        var device: String
        var topic: String
        var payload: String
        var qos: Int
        /// Publishes tried so far (the first one included).
        var attempts: Int
        var nextAtMillis: Int64
        /// For a command held by its cooldown: the cooldown (checked again when it is due) and
        /// the confirmation it then waits for; nil for a retry after a failed publish.
        var held: Held? = nil
    }

    /// What a command held by its rule's cooldown needs when it finally goes.
    struct Held: Sendable, Equatable {
        var cooldownMillis: Int64
        /// The wait for its reply (its times are set when it goes); nil without `confirm:`.
        var confirmation: CommandLoop.Waiting?
    }

    static let capacity = 1_000
    static let policy = RetryPolicy(initialBackoff: .seconds(1), maximumBackoff: .seconds(30))

    private(set) var pending: [Command] = []
    /// Commands given up because more than ``capacity`` waited.
    private(set) var givenUp = 0

    /// The earliest retry, if any.
    var nextDueMillis: Int64? { pending.map(\.nextAtMillis).min() }

    /// A publish of `command` failed (its `attempts` counts that one): schedule the next.
    mutating func failed(_ command: Command, nowMillis: Int64) {
        var command = command
        command.nextAtMillis = nowMillis + Self.policy.ceilingMillis(afterFailedAttempts: command.attempts)
        if pending.count >= Self.capacity {
            pending.removeFirst()
            givenUp += 1
        }
        pending.append(command)
    }

    /// `command` may not go before `untilMillis` (its rule's cooldown): it goes then, with its
    /// first attempt, if its alert still fires. One per alert and topic.
    mutating func hold(_ command: Command, untilMillis: Int64) {
        var command = command
        command.attempts = 0
        command.nextAtMillis = untilMillis
        pending.removeAll { $0.alertID == command.alertID && $0.topic == command.topic && $0.held != nil }
        if pending.count >= Self.capacity {
            pending.removeFirst()
            givenUp += 1
        }
        pending.append(command)
    }

    /// Takes the commands due now (the caller publishes them and reports failures again).
    mutating func takeDue(nowMillis: Int64) -> [Command] {
        guard pending.contains(where: { $0.nextAtMillis <= nowMillis }) else { return [] }
        let due = pending.filter { $0.nextAtMillis <= nowMillis }
        pending.removeAll { $0.nextAtMillis <= nowMillis }
        return due.map { var command = $0; command.attempts += 1; return command }
    }

    /// The alert resolved: its commands are no longer wanted.
    mutating func cancel(alertID: String) {
        pending.removeAll { $0.alertID == alertID }
    }

    /// Rules were replaced: commands of rules that are gone are dropped.
    mutating func keep(rules: Set<String>) {
        pending.removeAll { !rules.contains($0.rule) }
    }

    /// This edge took the session over with `alertIDs` firing: retries for other alerts are
    /// its own from before (those alerts resolved meanwhile at the other edge) and are dropped.
    mutating func keep(alertIDs: Set<String>) {
        pending.removeAll { !alertIDs.contains($0.alertID) }
    }
}
