import Readings

/// Stop commands that close the loop (a rule's `confirm:`): each sent command waits for its
/// reply (a message on the confirmation topic whose payload contains the expected text); after
/// each `within` without one it is sent again, at most `retries` times, then escalated; a reply
/// after the escalation ends it. And the cooldown: a command of one rule to one topic within
/// `cooldown` of the last is not sent. Pure: the caller passes the time and does the I/O.
struct CommandLoop {
    /// One command waiting for its confirmation.
    struct Waiting: Sendable, Equatable {
        var alertID: String
        var rule: String
        var site: String
        var line: String
        var device: String
        var topic: String
        var payload: String
        var qos: Int
        var confirmTopic: [UInt8]
        var confirmPayload: [UInt8]
        var withinMillis: Int64
        var retriesLeft: Int
        /// Sends so far (the first included).
        var attempts: Int
        var firstSentAtMillis: Int64
        var deadlineMillis: Int64
        /// The alert's webhook receivers (the escalation goes to them).
        var receivers: [String]
        /// When it was escalated; nil while still retried.
        var escalatedAtMillis: Int64?
    }

    /// What happened to a waiting command.
    enum Outcome: Sendable, Equatable {
        /// Its reply came, `afterMillis` after the first send (`escalated`: after its escalation).
        case confirmed(Waiting, afterMillis: Int64)
        /// No reply within `within`: send it again (its `attempts` already counts this send).
        case resend(Waiting)
        /// No reply after every retry: raise the escalation alert. It stays here in case the
        /// reply still comes.
        case escalate(Waiting)
    }

    /// Most commands waiting (and escalated) at once; past it the oldest is given up.
    static let capacity = 1_000
    /// Most (rule, topic) pairs remembered for cooldowns.
    static let cooldownCapacity = 10_000

    private(set) var waiting: [Waiting] = []
    private(set) var givenUp = 0
    /// How many waits listen on each confirmation topic, by the topic's hash: a message on any
    /// other topic is turned away after hashing its topic, without a scan of the waits (escalated
    /// ones stay until their alert resolves, and every MQTT message is asked while any wait).
    private var topicHashes: [UInt64: Int] = [:]
    private var lastSent: [String: Int64] = [:]

    /// Whether any command waits (one branch per MQTT message when none does).
    var isWaiting: Bool { !waiting.isEmpty }

    /// The next deadline of a command still retried.
    var nextDeadlineMillis: Int64? { waiting.lazy.filter { $0.escalatedAtMillis == nil }.map(\.deadlineMillis).min() }

    /// Whether a command of `rule` to `topic` may go at `nowMillis`; when it may, it counts as
    /// sent now. - Returns: nil when it may, else how long ago the last one went.
    mutating func admit(rule: String, topic: String, cooldownMillis: Int64, nowMillis: Int64) -> Int64? {
        let key = rule + "\u{0}" + topic
        if cooldownMillis > 0, let last = lastSent[key], nowMillis - last < cooldownMillis { return nowMillis - last }
        if lastSent.count >= Self.cooldownCapacity { lastSent.removeAll(keepingCapacity: true) }
        lastSent[key] = nowMillis
        return nil
    }

    /// A command was sent for the first time and waits for its reply.
    /// - Returns: the oldest wait, given up to make room when ``capacity`` were waiting.
    @discardableResult
    mutating func sent(_ command: Waiting) -> Waiting? {
        var evicted: Waiting?
        if waiting.count >= Self.capacity {
            evicted = waiting.removeFirst()
            givenUp += 1
        }
        waiting.append(command)
        if evicted != nil { reindex() } else { command.confirmTopic.withUnsafeBytes { topicHashes[Self.hash($0), default: 0] += 1 } }
        return evicted
    }

    /// A message arrived: the commands it confirms (removed).
    mutating func received(topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, nowMillis: Int64) -> [Outcome] {
        guard topicHashes[Self.hash(topic)] != nil else { return [] }
        var outcomes: [Outcome] = []
        waiting.removeAll { command in
            guard topic.elementsEqual(command.confirmTopic), Self.contains(payload, command.confirmPayload) else { return false }
            outcomes.append(.confirmed(command, afterMillis: nowMillis - command.firstSentAtMillis))
            return true
        }
        if !outcomes.isEmpty { reindex() }
        return outcomes
    }

    /// Deadlines passed by `nowMillis`: commands to send again, and those to escalate.
    mutating func advance(nowMillis: Int64) -> [Outcome] {
        var outcomes: [Outcome] = []
        for index in waiting.indices where waiting[index].escalatedAtMillis == nil && waiting[index].deadlineMillis <= nowMillis {
            if waiting[index].retriesLeft > 0 {
                waiting[index].retriesLeft -= 1
                waiting[index].attempts += 1
                waiting[index].deadlineMillis = nowMillis + waiting[index].withinMillis
                outcomes.append(.resend(waiting[index]))
            } else {
                waiting[index].escalatedAtMillis = nowMillis
                outcomes.append(.escalate(waiting[index]))
            }
        }
        return outcomes
    }

    /// The alert resolved: its commands are no longer waited for. - Returns: those that were
    /// (the escalated ones' escalation resolves too).
    mutating func resolved(alertID: String) -> [Waiting] {
        let ended = waiting.filter { $0.alertID == alertID }
        guard !ended.isEmpty else { return [] }
        waiting.removeAll { $0.alertID == alertID }
        reindex()
        return ended
    }

    /// This edge took the site over with `alertIDs` firing: waits for other alerts are dropped
    /// (those alerts resolved meanwhile at the other edge), and the kept ones are no longer
    /// escalated (the other edge ended this one's escalation alarms): past their deadline, they
    /// escalate afresh. - Returns: the dropped waits.
    @discardableResult
    mutating func keep(alertIDs: Set<String>) -> [Waiting] {
        let dropped = waiting.filter { !alertIDs.contains($0.alertID) }
        waiting.removeAll { !alertIDs.contains($0.alertID) }
        for index in waiting.indices { waiting[index].escalatedAtMillis = nil }
        reindex()
        return dropped
    }

    private mutating func reindex() {
        topicHashes.removeAll(keepingCapacity: true)
        for command in waiting {
            command.confirmTopic.withUnsafeBytes { topicHashes[Self.hash($0), default: 0] += 1 }
        }
    }

    /// FNV-1a over the topic's bytes: no allocation on the MQTT thread.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// Whether `needle` occurs in `haystack` (empty: always).
    static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        var start = 0
        while start <= haystack.count - needle.count {
            if haystack[start] == first {
                var matched = 1
                while matched < needle.count, haystack[start + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return true }
            }
            start += 1
        }
        return false
    }
}

extension CommandLoop.Waiting {
    /// The record of what became of this command at `atMillis` (its sends so far as the attempt).
    func record(atMillis: Int64, result: String) -> CommandAttempt {
        CommandAttempt(
            alertID: alertID, rule: rule, site: site, line: line, device: device, topic: topic, payload: payload, qos: qos,
            attempt: attempts, atMillis: atMillis, result: result)
    }
}
