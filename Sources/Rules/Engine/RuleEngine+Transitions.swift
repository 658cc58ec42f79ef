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
    func fire(_ index: Int32, at now: Int64, into events: inout [AlertEvent]) {
        let alert = alerts.base + Int(index)
        alert.pointee.phase = .firing
        alert.pointee.since = now
        alert.pointee.lastNotified = now
        alert.pointee.generation &+= 1
        let interval = ruleRecords[Int(alert.pointee.rule)].repeatMillis
        if interval > 0 {
            timers.push(.init(deadline: now + interval, alert: index, kind: .repeatNotification, generation: alert.pointee.generation))
        }
        events.append(event(.firing, index, at: now))
    }

    @inline(never)
    func resolve(_ index: Int32, at now: Int64, into events: inout [AlertEvent]) {
        events.append(event(.resolved, index, at: now))
        let alert = alerts.base + Int(index)
        alert.pointee.phase = .inactive
        alert.pointee.generation &+= 1
    }

    @inline(never)
    func notifyRepeat(_ index: Int32, at now: Int64, into events: inout [AlertEvent]) {
        alerts.base[Int(index)].lastNotified = now
        events.append(event(.repeat, index, at: now))
    }

    /// The rule, series and sensor naming an alert.
    func identity(of index: Int32) -> (rule: Rule, series: Series, sensor: String) {
        let alert = alerts[Int(index)]
        let rule = rules.rules[Int(alert.rule)]
        let series = self.series[Int(alert.series)]!
        return (rule, series, rule.isDeviceScoped ? "" : series.sensor)
    }

    func key(of index: Int32) -> AlertKey {
        let (rule, series, sensor) = identity(of: index)
        return AlertKey(rule: rule.name, site: series.site, line: series.line, device: series.device, sensor: sensor)
    }

    private func event(_ kind: AlertEvent.Kind, _ index: Int32, at now: Int64) -> AlertEvent {
        let alert = alerts[Int(index)]
        let (_, series, sensor) = identity(of: index)
        let record = seriesRecords[Int(alert.series)]
        let history = record.firstSeen == .min ? 0 : record.lastSeen &- record.firstSeen
        return event(
            kind, ruleIndex: Int(alert.rule), series: series, sensor: sensor, value: alert.value, since: alert.since, at: now,
            historyMillis: max(0, history))
    }

    /// An event of rule `ruleIndex` for `series` (with `sensor` as the alert names it: `""` when
    /// device-scoped), its templates rendered.
    func event(
        _ kind: AlertEvent.Kind, ruleIndex: Int, series: Series, sensor: String, value: Double, since: Int64, at now: Int64,
        historyMillis: Int64
    ) -> AlertEvent {
        let rule = rules.rules[ruleIndex]
        let valueText = Self.format(value)
        let fill: (Template.Placeholder) -> String = { placeholder in
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
                    switch (topic.renderTopic(fill), loop.confirm.map { $0.topic.renderTopic(fill) }) {
                    case (.failure(let error), _): .unpublishable(topic: topic.source, reason: error.message)
                    case (_, .failure(let error)?): .unpublishable(topic: topic.source, reason: "confirm topic: \(error.message)")
                    case (.success(let rendered), let confirmTopic):
                        .mqtt(topic: rendered, payload: payload.render(fill), qos: qos, loop: RenderedCommandLoop(
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
