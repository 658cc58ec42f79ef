import Readings

extension RuleEngine {
    /// The annotation a resolve made by ``retire(rulesNotIn:atMillis:reason:into:)`` carries: why
    /// the alert resolved although its condition was never seen to clear.
    public static let resolvedByAnnotation = "resolved_by"

    /// Resolves the alerts of rules that are going away (a reload without them), so nothing stays
    /// firing forever: each firing alert of a rule not in `kept` gets a resolved event, with its
    /// id, its rule's receivers and actions, and `reason` in ``resolvedByAnnotation``; pending
    /// ones end silently. Alerts restored for a series not registered yet resolve too, when this
    /// engine has their rule.
    ///
    /// Call it on the engine about to be replaced, before its alerts are handed to the new one,
    /// and once at start on a fresh engine (after ``restore(_:)``).
    ///
    /// - Returns: firing alerts restored for a rule this engine never had (removed while the edge
    ///   was down). No event can be made for them here, since their receivers and templates went
    ///   with the rule; the caller resolves them from its own record of their notifications.
    @discardableResult
    public func retire(rulesNotIn kept: Set<String>, atMillis now: Int64, reason: String, into events: inout [AlertEvent]) -> [ActiveAlert] {
        for index in 0..<alerts.count where alerts[index].phase != .inactive {
            guard !kept.contains(rules.rules[Int(alerts[index].rule)].name) else { continue }
            if alerts[index].group >= 0, !alerts[index].standsAlone {
                // A member: its group's alarm resolves below, once.
                alerts.base[index].phase = .inactive
                alerts.base[index].generation &+= 1
            } else if alerts[index].phase == .firing {
                resolve(Int32(index), at: now, into: &events)
                events[events.count - 1].annotations[Self.resolvedByAnnotation] = reason
            } else {
                alerts.base[index].phase = .inactive
                alerts.base[index].generation &+= 1
            }
        }
        var unknown: [ActiveAlert] = []
        let gone = pendingRestores.filter { !kept.contains($0.key.rule) }
        guard !gone.isEmpty else { return [] }
        let ruleIndex = Dictionary(rules.rules.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (key, restored) in gone.sorted(by: { $0.value.sinceMillis < $1.value.sinceMillis }) {
            pendingRestores[key] = nil
            guard restored.state == .firing else { continue }
            guard let rule = ruleIndex[key.rule] else {
                unknown.append(restored)
                continue
            }
            var event = event(
                .resolved, ruleIndex: rule, series: Series(site: key.site, line: key.line, device: key.device, sensor: key.sensor),
                sensor: key.sensor, value: restored.value, since: restored.sinceMillis, at: now, historyMillis: 0)
            event.annotations[Self.resolvedByAnnotation] = reason
            events.append(event)
        }
        return unknown
    }
}
