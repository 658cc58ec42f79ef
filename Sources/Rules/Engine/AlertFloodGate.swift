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
/// Each rule has two lanes, counted and flooding apart: alerts of series that had reported for
/// less than ``newcomerHistoryMillis`` when they fired (*newcomers*), and alerts of series with a
/// history. A device that invents a new name with every message (a counter in its topic or its
/// keys) makes thousands of one-shot series, and 30 s later `silent` fires for every one of them;
/// that flood must not swallow the `silent` of a real press that stopped reporting in the same
/// minute. The same split as ``Readings/NewSeriesRateCap``'s young and established devices.
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

    /// A rule's flood window: its alerts of newcomer series, or of series with a history.
    struct Lane: Hashable, Sendable {
        var rule: String
        var newcomers: Bool
    }

    public let maxPerMinute: Int
    /// Below this much history (last reading minus first) an alert's series is a newcomer.
    /// An invented name has none at all; 5 s puts a real sensor of any rate at or above 1 Hz in
    /// the other lane within seconds of an edge's start (a slower one after its second reading).
    public let newcomerHistoryMillis: Int64
    static let windowMillis: Int64 = 60_000

    struct RuleWindow: Sendable {
        var windowStart: Int64
        var firings: Int
        /// The aggregated alert while the rule floods.
        var flood: AlertEvent?
        var suppressed: Int = 0
    }

    private var lanes: [Lane: RuleWindow] = [:]
    /// Suppressed alerts (by id) and the lane that suppressed them, which counts their resolve.
    private var suppressedAlerts: [String: Lane] = [:]
    /// Notifications suppressed since the gate was made.
    public private(set) var suppressedTotal = 0

    /// - Parameters:
    ///   - maxPerMinute: firing notifications one rule may send per minute in each lane; 0 turns
    ///     the gate off.
    ///   - newcomerHistoryMillis: the history below which an alert's series is a newcomer.
    public init(maxPerMinute: Int, newcomerHistoryMillis: Int64 = 5_000) {
        precondition(maxPerMinute >= 0 && newcomerHistoryMillis >= 0)
        self.maxPerMinute = maxPerMinute
        self.newcomerHistoryMillis = newcomerHistoryMillis
    }

    /// Whether the event's series is a newcomer (reported for less than ``newcomerHistoryMillis``).
    public func isNewcomer(_ event: AlertEvent) -> Bool {
        event.seriesHistoryMillis < newcomerHistoryMillis
    }

    /// Whether any rule is flooding (``advance(toMillis:)`` has work to do).
    public var isFlooding: Bool { lanes.values.contains { $0.flood != nil } }

    /// Decides what happens to one event's notification.
    public mutating func admit(_ event: AlertEvent, nowMillis: Int64) -> Decision {
        guard maxPerMinute > 0 else { return .pass }
        switch event.kind {
        case .resolved, .repeat:
            guard let lane = suppressedAlerts[event.alertID] else { return .pass }
            if event.kind == .resolved { suppressedAlerts[event.alertID] = nil }
            return suppress(lane)
        case .firing:
            let lane = Lane(rule: event.rule, newcomers: isNewcomer(event))
            var window = lanes[lane] ?? RuleWindow(windowStart: nowMillis, firings: 0)
            if nowMillis - window.windowStart >= Self.windowMillis || nowMillis < window.windowStart {
                window.windowStart = nowMillis
                window.firings = 0
            }
            window.firings += 1
            lanes[lane] = window
            if window.flood != nil {
                suppressedAlerts[event.alertID] = lane
                return suppress(lane)
            }
            guard window.firings > maxPerMinute else { return .pass }
            let flood = Self.floodEvent(for: event, newcomers: lane.newcomers, limit: maxPerMinute, atMillis: nowMillis)
            lanes[lane]?.flood = flood
            suppressedAlerts[event.alertID] = lane
            _ = suppress(lane)
            return .suppressAndRaise(flood)
        }
    }

    /// Ends floods whose rule stayed within the limit for a whole minute: their aggregated
    /// alerts resolve, naming how many notifications were suppressed.
    public mutating func advance(toMillis nowMillis: Int64) -> [AlertEvent] {
        var resolved: [AlertEvent] = []
        for (lane, window) in lanes where window.flood != nil {
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
            lanes[lane] = RuleWindow(windowStart: nowMillis, firings: 0)
        }
        return resolved
    }

    private mutating func suppress(_ lane: Lane) -> Decision {
        suppressedTotal += 1
        lanes[lane]?.suppressed += 1
        return .suppress
    }

    /// One alert for the rule's whole flood in one lane, at its site, with the rule's webhook
    /// receivers. A newcomers' flood says so (`labels.flood_of: new_series`), and its id differs
    /// from a flood of the same rule in the other lane that starts in the same millisecond.
    static func floodEvent(for event: AlertEvent, newcomers: Bool, limit: Int, atMillis: Int64) -> AlertEvent {
        var labels = event.labels
        labels["flood"] = "true"
        labels["flood_of"] = newcomers ? "new_series" : "series"
        let whose = newcomers ? " for series first seen moments before (a device inventing names?)" : ""
        return AlertEvent(
            kind: .firing,
            alertID: AlertIdentity.id(
                rule: event.rule, site: event.site, line: "", device: "", sensor: newcomers ? "new series" : "",
                startedAtMillis: atMillis),
            ruleIndex: event.ruleIndex, rule: event.rule, severity: event.severity, site: event.site, line: "", device: "",
            sensor: "", value: .nan, startedAtMillis: atMillis, endedAtMillis: nil, atMillis: atMillis, labels: labels,
            annotations: [
                "summary": "alert flood: rule \(event.rule) raised more than \(limit) alerts within a minute\(whose); its further alerts of these are counted, not sent, until a minute passes within the limit (stop commands still go out)",
            ],
            actions: event.actions.filter { if case .webhook = $0 { true } else { false } })
    }
}
