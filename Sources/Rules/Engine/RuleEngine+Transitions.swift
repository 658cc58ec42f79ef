import Readings

/// State changes and the events they produce. These are the only places that touch strings,
/// and they run once per transition, not per reading; `@inline(never)` keeps them out of the
/// hot loop's code.
extension RuleEngine {
    @inline(never)
    func startPending(_ index: Int32, at now: Int64, holdMillis: Int64) {
        let alert = alerts.base + Int(index)
        alert.pointee.phase = .pending
        alert.pointee.since = now
        alert.pointee.generation &+= 1
        timers.push(.init(deadline: now + holdMillis, alert: index, kind: .hold, generation: alert.pointee.generation))
    }

    @inline(never)
    func fire(_ index: Int32, at reading: Int64, into events: inout [AlertEvent]) {
        let alert = alerts.base + Int(index)
        let alertHistory = history.base + Int(index)
        if alert.pointee.group >= 0 {
            // A member: it fires silently; its group's alarm fires with the first.
            alert.pointee.phase = .firing
            alert.pointee.since = reading
            alert.pointee.generation &+= 1
            memberFired(index, group: alert.pointee.group, at: reading, into: &events)
            return
        }
        let now = reading > alertHistory.pointee.lastFiredAt ? reading : alertHistory.pointee.lastFiredAt &+ 1
        alertHistory.pointee.lastFiredAt = now
        alert.pointee.phase = .firing
        alert.pointee.since = now
        alertHistory.pointee.lastNotified = now
        alert.pointee.generation &+= 1
        let interval = ruleRecords[Int(alert.pointee.rule)].repeatMillis
        if interval > 0 {
            timers.push(.init(deadline: now + interval, alert: index, kind: .repeatNotification, generation: alert.pointee.generation))
        }
        events.append(event(.firing, index, at: now))
        if countStart(index, at: now) {
            events[events.count - 1].annotations[Self.chatteringAnnotation] =
                "\(options.chatterStarts) starts within \(options.chatterWindowMillis) ms: held firing until clear for \(options.chatterWindowMillis) ms"
        }
    }

    /// Counts a start toward chattering. - Returns: whether this start made the alert chattering.
    private func countStart(_ index: Int32, at now: Int64) -> Bool {
        guard options.chatterStarts > 0 else { return false }
        let alert = alerts.base + Int(index)
        let alertHistory = history.base + Int(index)
        let window = options.chatterWindowMillis
        let elapsed = now &- alertHistory.pointee.chatterWindowStart
        if alertHistory.pointee.chatterWindowStart == .min || elapsed >= 2 * window || elapsed < 0 {
            alertHistory.pointee.chatterWindowStart = now
            alertHistory.pointee.chatterPreviousStarts = 0
            alertHistory.pointee.chatterStarts = 0
        } else if elapsed >= window {
            alertHistory.pointee.chatterWindowStart &+= window
            alertHistory.pointee.chatterPreviousStarts = alertHistory.pointee.chatterStarts
            alertHistory.pointee.chatterStarts = 0
        }
        if alertHistory.pointee.chatterStarts < UInt16.max { alertHistory.pointee.chatterStarts += 1 }
        // The previous window's starts, weighted by how much of it the last window length still covers.
        let covered = Double(window - (now &- alertHistory.pointee.chatterWindowStart)) / Double(window)
        let estimate = Double(alertHistory.pointee.chatterStarts) + Double(alertHistory.pointee.chatterPreviousStarts) * covered
        guard !alert.pointee.chattering, estimate >= Double(options.chatterStarts) else { return false }
        alert.pointee.chattering = true
        hot.pointee.chatteringStarted &+= 1
        return true
    }

    /// A chattering alert's condition cleared: it resolves after the off-delay unless it trips again.
    @inline(never)
    func startRelease(_ index: Int32, at now: Int64) {
        let alert = alerts.base + Int(index)
        let alertHistory = history.base + Int(index)
        alertHistory.pointee.releaseAt = now &+ options.chatterWindowMillis
        timers.push(.init(deadline: alertHistory.pointee.releaseAt, alert: index, kind: .release, generation: alert.pointee.generation))
    }

    @inline(never)
    func resolve(_ index: Int32, at reading: Int64, into events: inout [AlertEvent]) {
        let alert = alerts.base + Int(index)
        let alertHistory = history.base + Int(index)
        if alert.pointee.group >= 0, !alert.pointee.standsAlone {
            // A member: it resolves silently; its group's alarm resolves after the last.
            alert.pointee.phase = .inactive
            alert.pointee.generation &+= 1
            memberResolved(group: alert.pointee.group, at: reading, into: &events)
            return
        }
        // Never before it started (a start moved 1 ms on, see `lastFiredAt`).
        let now = max(reading, alert.pointee.phase == .firing ? alert.pointee.since : reading)
        events.append(event(.resolved, index, at: now))
        if alert.pointee.chattering {
            events[events.count - 1].annotations[Self.chatteringAnnotation] =
                "ended after \(options.chatterWindowMillis) ms clear; \(alertHistory.pointee.dampedToggles) toggles held back"
            alert.pointee.chattering = false
            alertHistory.pointee.dampedToggles = 0
            alertHistory.pointee.chatterStarts = 0
            alertHistory.pointee.chatterPreviousStarts = 0
            alertHistory.pointee.chatterWindowStart = .min
        }
        alertHistory.pointee.releaseAt = 0
        alert.pointee.standsAlone = false
        alert.pointee.restoredGroup = false
        alertHistory.pointee.members = 0
        alert.pointee.phase = .inactive
        alert.pointee.generation &+= 1
    }

    /// A member of a group fired: the group's alarm fires if it was not firing, naming its
    /// members; a group waiting to resolve (chattering, or restored) goes on firing.
    private func memberFired(_ member: Int32, group: Int32, at now: Int64, into events: inout [AlertEvent]) {
        let alarm = alerts.base + Int(group)
        let alarmHistory = history.base + Int(group)
        alarmHistory.pointee.members &+= 1
        alarm.pointee.value = alerts[Int(member)].value
        guard alarm.pointee.phase != .firing else {
            if alarmHistory.pointee.releaseAt != 0 {
                alarmHistory.pointee.releaseAt = 0
                if alarm.pointee.chattering {
                    alarmHistory.pointee.dampedToggles &+= 1
                    hot.pointee.dampedToggles &+= 1
                }
            }
            return
        }
        // The member that tripped it stands for the group (its history tells the flood gate a
        // sensor seen moments before from the plant's own; the group's names are the same).
        alarm.pointee.series = alerts[Int(member)].series
        fire(group, at: now, into: &events)
        if advancing { groupsFired.append(group) }
    }

    /// Re-renders the firings of `groupsFired` among `events[from...]` with every member that
    /// joined since (the members annotation and templates), keeping what was added to them.
    func renameGroupFirings(in events: inout [AlertEvent], from first: Int) {
        let groups = Set(groupsFired)
        groupsFired.removeAll(keepingCapacity: true)
        for index in first..<events.count where events[index].kind == .firing {
            let key = AlertKey(
                rule: events[index].rule, site: events[index].site, line: events[index].line, device: events[index].device,
                sensor: events[index].sensor)
            guard let group = groupAlerts[key], groups.contains(group) else { continue }
            var renamed = event(.firing, group, at: events[index].atMillis)
            for (name, value) in events[index].annotations where renamed.annotations[name] == nil { renamed.annotations[name] = value }
            events[index] = renamed
        }
    }

    /// A member of a group resolved: after the last, the group's alarm resolves (after its
    /// off-delay when chattering or restored).
    private func memberResolved(group: Int32, at now: Int64, into events: inout [AlertEvent]) {
        let alarm = alerts.base + Int(group)
        let alarmHistory = history.base + Int(group)
        if alarmHistory.pointee.members > 0 { alarmHistory.pointee.members -= 1 }
        guard alarmHistory.pointee.members == 0, alarm.pointee.phase == .firing, alarmHistory.pointee.releaseAt == 0 else { return }
        if alarm.pointee.chattering {
            startRelease(group, at: now)
        } else if alarm.pointee.restoredGroup {
            alarmHistory.pointee.releaseAt = now &+ Self.restoredGroupGraceMillis
            timers.push(.init(deadline: alarmHistory.pointee.releaseAt, alert: group, kind: .release, generation: alarm.pointee.generation))
        } else {
            resolve(group, at: now, into: &events)
        }
    }

    /// A member was evaluated and is clear: a group's alarm restored with unknown members and
    /// none known to fire starts its grace (a silent device that reports again never trips and
    /// clears, yet its restored alarm must end).
    @inline(never)
    func memberSeenClear(group: Int32, at now: Int64) {
        let alarm = alerts.base + Int(group)
        let alarmHistory = history.base + Int(group)
        guard alarm.pointee.restoredGroup, alarm.pointee.phase == .firing, alarmHistory.pointee.members == 0,
              alarmHistory.pointee.releaseAt == 0 else { return }
        alarmHistory.pointee.releaseAt = now &+ Self.restoredGroupGraceMillis
        timers.push(.init(deadline: alarmHistory.pointee.releaseAt, alert: group, kind: .release, generation: alarm.pointee.generation))
    }

    /// The names of a group's members firing now (`pressure`, `press-07/pressure`, …), for its
    /// notification: at most 20, then how many more.
    func memberNames(of group: Int32, grouping: AlarmGrouping) -> String {
        var names: [String] = []
        var more = 0
        for index in groupMembers[group] ?? [] where alerts[Int(index)].group == group && alerts[Int(index)].phase == .firing {
            guard names.count < 20 else {
                more += 1
                continue
            }
            let (rule, series, _) = identity(of: index)
            let sensor = rule.isDeviceScoped ? "" : series.sensor
            let parts: [String] = switch grouping {
            case .series, .device: [sensor]
            case .line: [series.device, sensor]
            case .site: [series.line, series.device, sensor]
            }
            names.append(parts.filter { !$0.isEmpty }.joined(separator: "/"))
        }
        return names.sorted().joined(separator: ", ") + (more > 0 ? " and \(more) more" : "")
    }

    @inline(never)
    func notifyRepeat(_ index: Int32, at now: Int64, into events: inout [AlertEvent]) {
        history.base[Int(index)].lastNotified = now
        events.append(event(.repeat, index, at: now))
    }

    /// The rule, series and sensor naming an alert.
    func identity(of index: Int32) -> (rule: Rule, series: Series, sensor: String) {
        let alert = alerts[Int(index)]
        let rule = rules.rules[Int(alert.rule)]
        let series = self.series[Int(alert.series)]!
        if alert.isGroup, let grouping = rule.grouping {
            // A group's alarm is named by the group: the parts below it are empty.
            return (rule, Series(
                site: series.site, line: grouping == .site ? "" : series.line, device: grouping == .device ? series.device : "",
                sensor: ""), "")
        }
        return (rule, series, rule.isDeviceScoped ? "" : series.sensor)
    }

    func key(of index: Int32) -> AlertKey {
        let (rule, series, sensor) = identity(of: index)
        return AlertKey(rule: rule.name, site: series.site, line: series.line, device: series.device, sensor: sensor)
    }

    private func event(_ kind: AlertEvent.Kind, _ index: Int32, at now: Int64) -> AlertEvent {
        let alert = alerts[Int(index)]
        let (rule, series, sensor) = identity(of: index)
        let record = seriesRecords[Int(alert.series)]
        let history = record.firstSeen == .min ? 0 : record.lastSeen &- record.firstSeen
        guard alert.isGroup, let grouping = rule.grouping else {
            return event(
                kind, ruleIndex: Int(alert.rule), series: series, sensor: sensor, value: alert.value, since: alert.since, at: now,
                historyMillis: max(0, history))
        }
        // A group's templates name its members where the group has no name of its own.
        let members = memberNames(of: index, grouping: grouping)
        let names = Series(
            site: series.site, line: grouping == .site ? members : series.line, device: grouping == .device ? series.device : members,
            sensor: members)
        var made = event(
            kind, ruleIndex: Int(alert.rule), series: series, sensor: "", value: alert.value, since: alert.since, at: now,
            historyMillis: max(0, history), names: names)
        if !members.isEmpty { made.annotations[Self.membersAnnotation] = members }
        return made
    }

    /// An event of rule `ruleIndex` for `series` (with `sensor` as the alert names it: `""` when
    /// device-scoped), its templates rendered.
    /// - Parameter names: what the templates say for site, line, device and sensor when not the
    ///   alert's own (a group's members).
    func event(
        _ kind: AlertEvent.Kind, ruleIndex: Int, series: Series, sensor: String, value: Double, since: Int64, at now: Int64,
        historyMillis: Int64, names: Series? = nil
    ) -> AlertEvent {
        let rule = rules.rules[ruleIndex]
        let valueText = Self.format(value)
        let fill: (Template.Placeholder) -> String = { placeholder in
            switch placeholder {
            case .site: names?.site ?? series.site
            case .line: names?.line ?? series.line
            case .device: names?.device ?? series.device
            case .sensor: names?.sensor ?? sensor
            case .value: valueText
            case .rule: rule.name
            case .severity: rule.severity.rawValue
            }
        }
        // MQTT actions name the group itself, never its members: a topic is one device's or line's.
        let actionFill: (Template.Placeholder) -> String = { placeholder in
            switch placeholder {
            case .site: series.site
            case .line: series.line
            case .device: series.device
            case .sensor: sensor
            case .value: valueText
            case .rule: rule.name
            case .severity: rule.severity.rawValue
            }
        }
        return AlertEvent(
            kind: kind,
            alertID: AlertIdentity.id(
                rule: rule.name, site: series.site, line: series.line, device: series.device, sensor: sensor,
                startedAtMillis: since),
            ruleIndex: ruleIndex, rule: rule.name, severity: rule.severity,
            site: series.site, line: series.line, device: series.device, sensor: sensor,
            value: value, startedAtMillis: since, endedAtMillis: kind == .resolved ? now : nil, atMillis: now,
            labels: rule.labels, annotations: rule.annotations.mapValues { $0.render(fill) },
            actions: rule.actions.map { action in
                switch action {
                case .webhook(let receiver): .webhook(receiver: receiver)
                case .mqtt(let topic, let payload, let qos, let loop):
                    switch (topic.renderTopic(actionFill), loop.confirm.map { $0.topic.renderTopic(actionFill) }) {
                    case (.failure(let error), _): .unpublishable(topic: topic.source, reason: error.message)
                    case (_, .failure(let error)?): .unpublishable(topic: topic.source, reason: "confirm topic: \(error.message)")
                    case (.success(let rendered), let confirmTopic):
                        .mqtt(topic: rendered, payload: payload.render(actionFill), qos: qos, loop: RenderedCommandLoop(
                            confirm: loop.confirm.flatMap { confirm in
                                guard case .success(let topic)? = confirmTopic else { return nil }
                                return .init(topic: topic, payload: confirm.payload, withinMillis: confirm.withinMillis, retries: confirm.retries)
                            },
                            cooldownMillis: loop.cooldownMillis))
                    }
                }
            },
            seriesHistoryMillis: historyMillis)
    }

    /// `851` rather than `851.0` for whole numbers; Swift's shortest round-trip form otherwise.
    static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
