import Readings

extension RuleEngine {
    /// Repeat notifications, made now, for the firing alerts with the given ids: for alarms whose
    /// notifications were held back (shelved, out of service) and that may now be announced to
    /// their receivers, with their actions rendered as for a firing. Ids of alerts that are no
    /// longer firing here (resolved, or restored for a series not seen yet) give nothing.
    ///
    /// Scans the alerts, so it is meant for rare calls (a shelf ending), not per reading.
    /// - Returns: the ids it made an event for.
    @discardableResult
    public func announce(alertIDs: Set<String>, atMillis now: Int64, into events: inout [AlertEvent]) -> Set<String> {
        guard !alertIDs.isEmpty else { return [] }
        var announced: Set<String> = []
        for index in 0..<alerts.count where alerts[index].phase == .firing && (alerts[index].group < 0 || alerts[index].standsAlone) {
            let key = key(of: Int32(index))
            let id = AlertIdentity.id(
                rule: key.rule, site: key.site, line: key.line, device: key.device, sensor: key.sensor,
                startedAtMillis: alerts[index].since)
            guard alertIDs.contains(id) else { continue }
            notifyRepeat(Int32(index), at: now, into: &events)
            announced.insert(id)
        }
        return announced
    }
}
