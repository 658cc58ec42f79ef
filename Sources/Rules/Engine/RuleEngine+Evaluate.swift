public import Readings

extension RuleEngine {
    /// Feeds one reading to the rules that can match its series: the hot path.
    ///
    /// O(rules matching the series + window buffers of the series), with no allocation, no
    /// string or dictionary work and no reference counting in steady state; ``AlertEvent``s are
    /// built (and appended to `events`) only when an alert changes state. A reading for an id
    /// that was never registered is counted in ``unregisteredReadings`` and ignored. Non-finite
    /// values still count as readings (for `absent`) but are not added to windows.
    public func evaluate(series id: SeriesID, value: Double, atMillis now: Int64, into events: inout [AlertEvent]) {
        let tables = hot.pointee
        hot.pointee.readings &+= 1
        let index = Int(id)
        guard index < tables.seriesCount, tables.series[index].registered else {
            hot.pointee.unregisteredReadings &+= 1
            return
        }
        let recordPointer = tables.series + index
        if recordPointer.pointee.firstSeen == .min { recordPointer.pointee.firstSeen = now }
        recordPointer.pointee.lastSeen = now
        recordPointer.pointee.lastValue = value
        let record = recordPointer.pointee
        let row = tables.latest + Int(record.device) &* tables.sensorCount
        if record.sensorSlot >= 0 { row[Int(record.sensorSlot)] = value }
        if value.isFinite {
            let first = tables.buffers + Int(record.bufferStart)
            for offset in 0..<Int(record.bufferCount) { first[offset].push(now, value) }
        }
        let bindingCount = Int(record.bindingCount)
        guard bindingCount > 0 else { return }
        var interpreter = Interpreter(
            value: value, now: now, lastSeen: now, latest: row, buffers: tables.buffers,
            windowMap: tables.windowMap, stack: tables.stack)
        let firstBinding = tables.bindings + Int(record.bindingStart)
        for offset in 0..<bindingCount {
            step(firstBinding[offset], tables, &interpreter, fromReading: true, &events)
        }
        hot.pointee.evaluations &+= bindingCount
    }

    /// Runs one binding through the alert lifecycle with the interpreter's inputs.
    @inline(__always)
    func step(_ binding: Binding, _ tables: HotTables, _ interpreter: inout Interpreter, fromReading: Bool, _ events: inout [AlertEvent]) {
        let rule = tables.rules[Int(binding.rule)]
        let alert = tables.alerts + Int(binding.alert)
        interpreter.windowMap = tables.windowMap + Int(binding.windowMapStart)
        let now = interpreter.now
        let code = tables.code
        if fromReading, rule.absentCount > 0, !alert.pointee.absentArmed {
            armAbsent(binding.alert, at: now &+ tables.absentMillis[Int(rule.absentStart)])
        }
        switch alert.pointee.phase {
        case .inactive:
            guard interpreter.run(code + Int(rule.whenStart), count: Int(rule.whenCount)) else {
                if alert.pointee.group >= 0 { memberSeenClear(group: alert.pointee.group, at: now) }
                return
            }
            alert.pointee.value = interpreter.value
            if rule.holdMillis > 0 {
                startPending(binding.alert, at: now, holdMillis: rule.holdMillis)
            } else {
                fire(binding.alert, at: now, into: &events)
            }
        case .pending:
            alert.pointee.value = interpreter.value
            if interpreter.run(code + Int(rule.whenStart), count: Int(rule.whenCount)) {
                if now &- alert.pointee.since >= rule.holdMillis { fire(binding.alert, at: now, into: &events) }
            } else {
                // The condition did not hold for the whole `for`: back to inactive, silently.
                alert.pointee.phase = .inactive
                alert.pointee.generation &+= 1
            }
        case .firing:
            alert.pointee.value = interpreter.value
            let cleared =
                rule.clearCount >= 0
                ? interpreter.run(code + Int(rule.clearStart), count: Int(rule.clearCount))
                : !interpreter.run(code + Int(rule.whenStart), count: Int(rule.whenCount))
            if alert.pointee.chattering {
                chatteringEvaluated(binding.alert, cleared: cleared, at: now)
            } else if cleared {
                resolve(binding.alert, at: now, into: &events)
            }
        }
    }

    /// Off-delay: a chattering alarm stays firing until it has been clear for the window; a
    /// trip during the delay is a toggle held back.
    @inline(never)
    func chatteringEvaluated(_ index: Int32, cleared: Bool, at now: Int64) {
        let past = history.base + Int(index)
        if cleared {
            if past.pointee.releaseAt == 0 { startRelease(index, at: now) }
        } else if past.pointee.releaseAt != 0 {
            past.pointee.releaseAt = 0
            past.pointee.dampedToggles &+= 1
            hot.pointee.dampedToggles &+= 1
        }
    }

    @inline(never)
    func armAbsent(_ alert: Int32, at deadline: Int64) {
        alerts.base[Int(alert)].absentArmed = true
        timers.push(.init(deadline: deadline, alert: alert, kind: .absent, generation: 0))
    }
}
