extension RuleEngine {
    /// Every pending and firing alert, for persistence and the alerts API; includes restored
    /// alerts whose series has not been registered yet, so saving again loses nothing.
    public var activeAlerts: [ActiveAlert] {
        var result: [ActiveAlert] = []
        for index in 0..<alerts.count {
            let alert = alerts[index]
            // Members are not alarms: their group's alarm is listed.
            guard alert.phase != .inactive, alert.group < 0 || alert.standsAlone else { continue }
            let key = key(of: Int32(index))
            result.append(ActiveAlert(
                rule: key.rule, site: key.site, line: key.line, device: key.device, sensor: key.sensor,
                state: alert.phase == .firing ? .firing : .pending, sinceMillis: alert.since, value: alert.value,
                lastNotifiedMillis: alert.phase == .firing ? history[index].lastNotified : nil))
        }
        result += pendingRestores.values.sorted { ($0.rule, $0.site, $0.line, $0.device, $0.sensor) < ($1.rule, $1.site, $1.line, $1.device, $1.sensor) }
        return result
    }

    /// Whether an alert restored for this place waits for its series to be registered.
    public func awaitsRestore(rule: String, site: String, line: String, device: String, sensor: String) -> Bool {
        pendingRestores[AlertKey(rule: rule, site: site, line: line, device: device, sensor: sensor)] != nil
    }

    /// Takes back alerts saved from ``activeAlerts`` (after a restart or a rule reload).
    ///
    /// Matched by rule name and site/line/device/sensor, now or when the series is registered.
    /// A restored firing alert stays firing without a new firing event (and keeps its id and
    /// repeat schedule); if its condition is clear at the next evaluation it resolves as usual.
    /// A restored pending alert keeps its `for` start. Alerts for rules that no longer exist
    /// are kept aside (and listed in ``activeAlerts``) but never fire.
    public func restore(_ restored: [ActiveAlert]) {
        var existing: [AlertKey: Int32] = [:]
        for index in 0..<alerts.count { existing[key(of: Int32(index))] = Int32(index) }
        for alert in restored {
            if let index = existing[alert.key] {
                apply(alert, to: index)
            } else {
                pendingRestores[alert.key] = alert
            }
        }
    }

    /// Takes over another engine's alerts (a standby taking the site's session over): every
    /// alert this engine had pending or firing becomes inactive without an event, since the
    /// engine that held the stream meanwhile decided about them, and `adopted` is restored as by
    /// ``restore(_:)``: no firing event for them, and one resolved event, with their ids, when
    /// their conditions clear.
    public func adopt(_ adopted: [ActiveAlert]) {
        for index in 0..<alerts.count {
            // The other engine decided meanwhile: nothing of this one's alarm state carries over.
            history.base[index].members = 0
            history.base[index].releaseAt = 0
            alerts.base[index].standsAlone = false
            alerts.base[index].restoredGroup = false
            alerts.base[index].chattering = false
            history.base[index].dampedToggles = 0
            history.base[index].chatterStarts = 0
            history.base[index].chatterPreviousStarts = 0
            history.base[index].chatterWindowStart = .min
            guard alerts[index].phase != .inactive else { continue }
            alerts.base[index].phase = .inactive
            alerts.base[index].generation &+= 1
        }
        pendingRestores.removeAll()
        restore(adopted)
    }

    func apply(_ restored: ActiveAlert, to index: Int32) {
        let alert = alerts.base + Int(index)
        let alertHistory = history.base + Int(index)
        let rule = ruleRecords[Int(alert.pointee.rule)]
        alert.pointee.since = restored.sinceMillis
        alert.pointee.value = restored.value
        alert.pointee.generation &+= 1
        switch restored.state {
        case .firing:
            alert.pointee.phase = .firing
            alertHistory.pointee.lastFiredAt = restored.sinceMillis
            if alert.pointee.isGroup { alert.pointee.restoredGroup = true }
            if alert.pointee.group >= 0 { alert.pointee.standsAlone = true }
            alertHistory.pointee.lastNotified = restored.lastNotifiedMillis ?? restored.sinceMillis
            if rule.repeatMillis > 0 {
                timers.push(.init(
                    deadline: alertHistory.pointee.lastNotified + rule.repeatMillis, alert: index, kind: .repeatNotification,
                    generation: alert.pointee.generation))
            }
        case .pending:
            alert.pointee.phase = .pending
            timers.push(.init(
                deadline: restored.sinceMillis + rule.holdMillis, alert: index, kind: .hold, generation: alert.pointee.generation))
        }
    }
}
