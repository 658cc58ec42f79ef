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
/// A site has a lane of its own too (`maxPerSitePerMinute`): past that many alarms of every rule
/// within a minute, the site's further notifications are counted and one site flood alarm
/// (`edge:site-flood`, critical) says so. Every flood alarm names its **first out**, the alarm
/// that opened the minute that flooded (annotations `first_out`, `first_out_alert_id`): in a
/// cascade, the cause is usually the first.
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
        /// The first alarm of the current minute (a flood's first out).
        var firstOut: AlertEvent?
    }

    /// Which window suppressed an alert (and so counts its repeat and resolve).
    enum Suppressor: Hashable, Sendable {
        case rule(Lane)
        case site(String)
    }

    /// The rule name of a site flood alarm (`edge:` rules are the edge's own).
    public static let siteFloodRule = "edge:site-flood"
    /// The label every flood alarm carries (`"true"`).
    public static let floodLabel = "flood"

    public let maxPerSitePerMinute: Int
    private var lanes: [Lane: RuleWindow] = [:]
    private var sites: [String: RuleWindow] = [:]
    /// Suppressed alerts (by id) and the window that suppressed them, which counts their resolve.
    private var suppressedAlerts: [String: Suppressor] = [:]
    /// Notifications suppressed since the gate was made.
    public private(set) var suppressedTotal = 0

    /// - Parameters:
    ///   - maxPerMinute: firing notifications one rule may send per minute in each lane; 0 turns
    ///     the gate off.
    ///   - newcomerHistoryMillis: the history below which an alert's series is a newcomer.
    ///   - maxPerSitePerMinute: alarms of every rule one site may send per minute (of series with
    ///     a history); 0 turns the site lane off.
    public init(maxPerMinute: Int, maxPerSitePerMinute: Int = 0, newcomerHistoryMillis: Int64 = 5_000) {
        precondition(maxPerMinute >= 0 && maxPerSitePerMinute >= 0 && newcomerHistoryMillis >= 0)
        self.maxPerMinute = maxPerMinute
        self.maxPerSitePerMinute = maxPerSitePerMinute
        self.newcomerHistoryMillis = newcomerHistoryMillis
    }

    /// Whether the event's series is a newcomer (reported for less than ``newcomerHistoryMillis``).
    public func isNewcomer(_ event: AlertEvent) -> Bool {
        event.seriesHistoryMillis < newcomerHistoryMillis
    }

    /// Whether any rule is flooding (``advance(toMillis:)`` has work to do).
    public var isFlooding: Bool { lanes.values.contains { $0.flood != nil } || sites.values.contains { $0.flood != nil } }

    /// Decides what happens to one event's notification.
    public mutating func admit(_ event: AlertEvent, nowMillis: Int64) -> Decision {
        guard maxPerMinute > 0 || maxPerSitePerMinute > 0 else { return .pass }
        switch event.kind {
        case .resolved, .repeat:
            guard let suppressor = suppressedAlerts[event.alertID] else { return .pass }
            if event.kind == .resolved { suppressedAlerts[event.alertID] = nil }
            return suppress(suppressor)
        case .firing:
            // The site's lane first: a site flood holds back every rule's alarms. Newcomers'
            // alarms are left to their rule's own lane: invented names must not flood the site
            // and hold back a real sensor's alarm.
            if maxPerSitePerMinute > 0, !isNewcomer(event) {
                let site = Self.count(event, in: &sites[event.site, default: RuleWindow(windowStart: nowMillis, firings: 0)], nowMillis: nowMillis)
                if site.flood != nil {
                    suppressedAlerts[event.alertID] = .site(event.site)
                    return suppress(.site(event.site))
                }
                if site.firings > maxPerSitePerMinute {
                    let flood = Self.siteFloodEvent(for: event, firstOut: site.firstOut, limit: maxPerSitePerMinute, atMillis: nowMillis)
                    sites[event.site]?.flood = flood
                    suppressedAlerts[event.alertID] = .site(event.site)
                    _ = suppress(.site(event.site))
                    return .suppressAndRaise(flood)
                }
            }
            guard maxPerMinute > 0 else { return .pass }
            let lane = Lane(rule: event.rule, newcomers: isNewcomer(event))
            let window = Self.count(event, in: &lanes[lane, default: RuleWindow(windowStart: nowMillis, firings: 0)], nowMillis: nowMillis)
            if window.flood != nil {
                suppressedAlerts[event.alertID] = .rule(lane)
                return suppress(.rule(lane))
            }
            guard window.firings > maxPerMinute else { return .pass }
            let flood = Self.floodEvent(for: event, newcomers: lane.newcomers, firstOut: window.firstOut, limit: maxPerMinute, atMillis: nowMillis)
            lanes[lane]?.flood = flood
            suppressedAlerts[event.alertID] = .rule(lane)
            _ = suppress(.rule(lane))
            return .suppressAndRaise(flood)
        }
    }

    /// Counts one firing in a window (a new minute starts the count and the first out again).
    private static func count(_ event: AlertEvent, in window: inout RuleWindow, nowMillis: Int64) -> RuleWindow {
        if nowMillis - window.windowStart >= windowMillis || nowMillis < window.windowStart {
            window.windowStart = nowMillis
            window.firings = 0
            window.firstOut = nil
        }
        window.firings += 1
        if window.firstOut == nil { window.firstOut = event }
        return window
    }

    /// Ends floods whose rule stayed within the limit for a whole minute: their aggregated
    /// alerts resolve, naming how many notifications were suppressed.
    public mutating func advance(toMillis nowMillis: Int64) -> [AlertEvent] {
        var resolved: [AlertEvent] = []
        for (lane, window) in lanes {
            if let flood = Self.ended(window, limit: maxPerMinute, nowMillis: nowMillis) {
                resolved.append(flood)
                lanes[lane] = RuleWindow(windowStart: nowMillis, firings: 0)
            }
        }
        for (site, window) in sites {
            if let flood = Self.ended(window, limit: maxPerSitePerMinute, nowMillis: nowMillis) {
                resolved.append(flood)
                sites[site] = RuleWindow(windowStart: nowMillis, firings: 0)
            }
        }
        return resolved
    }

    /// The resolve of a window's flood, once a whole minute stayed within the limit.
    private static func ended(_ window: RuleWindow, limit: Int, nowMillis: Int64) -> AlertEvent? {
        guard var flood = window.flood else { return nil }
        // The flood's last minute had more than the limit: the count restarts each minute.
        guard nowMillis - window.windowStart >= windowMillis else { return nil }
        if window.firings > limit, nowMillis - window.windowStart < 2 * windowMillis {
            return nil  // still inside the minute after an over-limit one: wait for a calm minute
        }
        flood.kind = .resolved
        flood.endedAtMillis = nowMillis
        flood.atMillis = nowMillis
        flood.annotations["suppressed"] = String(window.suppressed)
        return flood
    }

    private mutating func suppress(_ suppressor: Suppressor) -> Decision {
        suppressedTotal += 1
        switch suppressor {
        case .rule(let lane): lanes[lane]?.suppressed += 1
        case .site(let site): sites[site]?.suppressed += 1
        }
        return .suppress
    }

    /// The annotations naming a flood's first out.
    static func firstOutAnnotations(_ first: AlertEvent?) -> [String: String] {
        guard let first else { return [:] }
        let place = [first.site, first.line, first.device, first.sensor].filter { !$0.isEmpty }.joined(separator: "/")
        return ["first_out": "\(first.rule) at \(place)", "first_out_alert_id": first.alertID]
    }

    /// One alarm for a whole site's flood: critical, to the receivers of the alarm that tipped it.
    static func siteFloodEvent(for event: AlertEvent, firstOut: AlertEvent?, limit: Int, atMillis: Int64) -> AlertEvent {
        var annotations = firstOutAnnotations(firstOut)
        annotations["summary"] = "alarm flood at \(event.site): more than \(limit) alarms within a minute; further alarms of the site are counted, not sent, until a minute passes within the limit (stop commands still go out)"
        return AlertEvent(
            kind: .firing,
            alertID: AlertIdentity.id(rule: siteFloodRule, site: event.site, line: "", device: "", sensor: "", startedAtMillis: atMillis),
            ruleIndex: -1, rule: siteFloodRule, severity: .critical, site: event.site, line: "", device: "", sensor: "", value: .nan,
            startedAtMillis: atMillis, endedAtMillis: nil, atMillis: atMillis, labels: ["flood": "true", "flood_of": "site", "source": "edge"],
            annotations: annotations, actions: event.actions.filter { if case .webhook = $0 { true } else { false } })
    }

    /// One alert for the rule's whole flood in one lane, at its site, with the rule's webhook
    /// receivers. A newcomers' flood says so (`labels.flood_of: new_series`), and its id differs
    /// from a flood of the same rule in the other lane that starts in the same millisecond.
    static func floodEvent(for event: AlertEvent, newcomers: Bool, firstOut: AlertEvent? = nil, limit: Int, atMillis: Int64) -> AlertEvent {
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
            annotations: firstOutAnnotations(firstOut).merging([
                "summary": "alert flood: rule \(event.rule) raised more than \(limit) alerts within a minute\(whose); its further alerts of these are counted, not sent, until a minute passes within the limit (stop commands still go out)",
            ]) { $1 },
            actions: event.actions.filter { if case .webhook = $0 { true } else { false } })
    }
}
