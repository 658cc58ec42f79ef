/// Flood suppression at the source: when one rule fires more than `maxPerMinute` alerts within
/// a minute, its further notifications are counted instead of sent, and one aggregated alert
/// says so; it resolves, with the count, once a whole minute stays within the limit.
///
/// A thousand devices tripping one rule at once (a broken sensor type, a plant-wide power dip)
/// would otherwise page people a thousand times and bury the one critical alert that matters.
/// Only notifications are gated: the rule engine's state and a rule's MQTT actions (stop
/// commands) are untouched. The resolve or repeat of an alert whose firing was suppressed is
/// suppressed too; the resolve of one that was sent is always sent.
///
/// Pure: time is only what the caller passes in.
public struct AlertFloodGate: Sendable {
    /// What to do with one event.
    public enum Decision: Equatable, Sendable {
        /// Send it.
        case pass
        /// Count it, do not send it.
        case suppress
        /// Do not send it; send this aggregated alert instead (the flood begins).
        case suppressAndRaise(AlertEvent)
    }

    public let maxPerMinute: Int
    static let windowMillis: Int64 = 60_000

    struct RuleWindow: Sendable {
        var windowStart: Int64
        var firings: Int
        /// The aggregated alert while the rule floods.
        var flood: AlertEvent?
        var suppressed: Int = 0
    }

    private var rules: [String: RuleWindow] = [:]
    private var suppressedAlerts: Set<String> = []
    /// Notifications suppressed since the gate was made.
    public private(set) var suppressedTotal = 0

    /// - Parameter maxPerMinute: firing notifications one rule may send per minute; 0 turns the gate off.
    public init(maxPerMinute: Int) {
        precondition(maxPerMinute >= 0)
        self.maxPerMinute = maxPerMinute
    }

    /// Whether any rule is flooding (``advance(toMillis:)`` has work to do).
    public var isFlooding: Bool { rules.values.contains { $0.flood != nil } }

    public mutating func admit(_ event: AlertEvent, nowMillis: Int64) -> Decision {
        guard maxPerMinute > 0 else { return .pass }
        switch event.kind {
        case .resolved, .repeat:
            guard suppressedAlerts.contains(event.alertID) else { return .pass }
            if event.kind == .resolved { suppressedAlerts.remove(event.alertID) }
            return suppress(rule: event.rule)
        case .firing:
            var window = rules[event.rule] ?? RuleWindow(windowStart: nowMillis, firings: 0)
            if nowMillis - window.windowStart >= Self.windowMillis || nowMillis < window.windowStart {
                window.windowStart = nowMillis
                window.firings = 0
            }
            window.firings += 1
            rules[event.rule] = window
            if window.flood != nil {
                suppressedAlerts.insert(event.alertID)
                return suppress(rule: event.rule)
            }
            guard window.firings > maxPerMinute else { return .pass }
            let flood = Self.floodEvent(for: event, limit: maxPerMinute, atMillis: nowMillis)
            rules[event.rule]?.flood = flood
            suppressedAlerts.insert(event.alertID)
            _ = suppress(rule: event.rule)
            return .suppressAndRaise(flood)
        }
    }

    /// Ends floods whose rule stayed within the limit for a whole minute: their aggregated
    /// alerts resolve, naming how many notifications were suppressed.
    public mutating func advance(toMillis nowMillis: Int64) -> [AlertEvent] {
        var resolved: [AlertEvent] = []
        for (rule, window) in rules where window.flood != nil {
            // The flood's last minute had more than the limit: the count restarts each minute.
            guard nowMillis - window.windowStart >= Self.windowMillis else { continue }
            if window.firings > maxPerMinute, nowMillis - window.windowStart < 2 * Self.windowMillis {
                continue  // still inside the minute after an over-limit one: wait for a calm minute
            }
            guard var flood = window.flood else { continue }
            flood.kind = .resolved
            flood.endedAtMillis = nowMillis
            flood.atMillis = nowMillis
            flood.annotations["suppressed"] = String(window.suppressed)
            resolved.append(flood)
            rules[rule] = RuleWindow(windowStart: nowMillis, firings: 0)
        }
        return resolved
    }

    private mutating func suppress(rule: String) -> Decision {
        suppressedTotal += 1
        rules[rule]?.suppressed += 1
        return .suppress
    }

    /// One alert for the rule's whole flood, at its site, with the rule's webhook receivers.
    static func floodEvent(for event: AlertEvent, limit: Int, atMillis: Int64) -> AlertEvent {
        var labels = event.labels
        labels["flood"] = "true"
        return AlertEvent(
            kind: .firing,
            alertID: AlertIdentity.id(rule: event.rule, site: event.site, line: "", device: "", sensor: "", startedAtMillis: atMillis),
            ruleIndex: event.ruleIndex, rule: event.rule, severity: event.severity, site: event.site, line: "", device: "",
            sensor: "", value: .nan, startedAtMillis: atMillis, endedAtMillis: nil, atMillis: atMillis, labels: labels,
            annotations: [
                "summary": "alert flood: rule \(event.rule) raised more than \(limit) alerts within a minute; its further alerts are counted, not sent, until a minute passes within the limit (stop commands still go out)",
            ],
            actions: event.actions.filter { if case .webhook = $0 { true } else { false } })
    }
}
