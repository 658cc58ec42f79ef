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
        let now = reading > alert.pointee.lastFiredAt ? reading : alert.pointee.lastFiredAt &+ 1
        alert.pointee.lastFiredAt = now
        alert.pointee.phase = .firing
        alert.pointee.since = now
        alert.pointee.lastNotified = now
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
        let window = options.chatterWindowMillis
        let elapsed = now &- alert.pointee.chatterWindowStart
        if alert.pointee.chatterWindowStart == .min || elapsed >= 2 * window || elapsed < 0 {
            alert.pointee.chatterWindowStart = now
            alert.pointee.chatterPreviousStarts = 0
            alert.pointee.chatterStarts = 0
        } else if elapsed >= window {
            alert.pointee.chatterWindowStart &+= window
            alert.pointee.chatterPreviousStarts = alert.pointee.chatterStarts
            alert.pointee.chatterStarts = 0
        }
        if alert.pointee.chatterStarts < UInt16.max { alert.pointee.chatterStarts += 1 }
        // The previous window's starts, weighted by how much of it the last window length still covers.
        let covered = Double(window - (now &- alert.pointee.chatterWindowStart)) / Double(window)
        let estimate = Double(alert.pointee.chatterStarts) + Double(alert.pointee.chatterPreviousStarts) * covered
        guard !alert.pointee.chattering, estimate >= Double(options.chatterStarts) else { return false }
        alert.pointee.chattering = true
        hot.pointee.chatteringStarted &+= 1
        return true
    }

    /// A chattering alert's condition cleared: it resolves after the off-delay unless it trips again.
    @inline(never)
    func startRelease(_ index: Int32, at now: Int64) {
        let alert = alerts.base + Int(index)
        alert.pointee.releaseAt = now &+ options.chatterWindowMillis
        timers.push(.init(deadline: alert.pointee.releaseAt, alert: index, kind: .release, generation: alert.pointee.generation))
    }

    @inline(never)
    func resolve(_ index: Int32, at reading: Int64, into events: inout [AlertEvent]) {
        let alert = alerts.base + Int(index)
        // Never before it started (a start moved 1 ms on, see `lastFiredAt`).
        let now = max(reading, alert.pointee.phase == .firing ? alert.pointee.since : reading)
        events.append(event(.resolved, index, at: now))
        if alert.pointee.chattering {
            events[events.count - 1].annotations[Self.chatteringAnnotation] =
                "ended after \(options.chatterWindowMillis) ms clear; \(alert.pointee.dampedToggles) toggles held back"
            alert.pointee.chattering = false
            alert.pointee.dampedToggles = 0
            alert.pointee.chatterStarts = 0
            alert.pointee.chatterPreviousStarts = 0
            alert.pointee.chatterWindowStart = .min
        }
        alert.pointee.releaseAt = 0
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
