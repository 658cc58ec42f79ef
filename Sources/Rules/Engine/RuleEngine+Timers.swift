extension RuleEngine {
    /// Handles every deadline up to `now`: `for` elapsed (pending → firing), `repeat` due, and
    /// `absent(d)` silences. Call it every 10–100 ms, and before each reading in a replay.
    ///
    /// Each event is stamped with the time its deadline fell due rather than `now`, so results do
    /// not depend on how often this is called. Repeats missed because `advance` was not called for
    /// longer than the interval are skipped, not sent in a burst.
    public func advance(toMillis now: Int64, into events: inout [AlertEvent]) {
        let first = events.count
        advancing = true
        defer {
            advancing = false
            if !groupsFired.isEmpty { renameGroupFirings(in: &events, from: first) }
        }
        while let entry = timers.popDue(now) {
            let alert = alerts.base + Int(entry.alert)
            let alertHistory = history.base + Int(entry.alert)
            switch entry.kind {
            case .hold:
                guard alert.pointee.phase == .pending, alert.pointee.generation == entry.generation else { continue }
                fire(entry.alert, at: entry.deadline, into: &events)
            case .repeatNotification:
                guard alert.pointee.phase == .firing, alert.pointee.generation == entry.generation else { continue }
                notifyRepeat(entry.alert, at: entry.deadline, into: &events)
                let interval = ruleRecords[Int(alert.pointee.rule)].repeatMillis
                var next = entry.deadline + interval
                if next <= now { next += ((now - next) / interval + 1) * interval }
                timers.push(.init(deadline: next, alert: entry.alert, kind: .repeatNotification, generation: entry.generation))
            case .absent:
                alert.pointee.absentArmed = false
                checkAbsent(entry.alert, at: entry.deadline, into: &events)
            case .release:
                // Only the release of the current off-delay (a trip since cleared `releaseAt`).
                guard alert.pointee.phase == .firing, alert.pointee.generation == entry.generation,
                      alertHistory.pointee.releaseAt != 0, alertHistory.pointee.releaseAt == entry.deadline, alertHistory.pointee.members == 0 else { continue }
                resolve(entry.alert, at: entry.deadline, into: &events)
            }
        }
    }

    /// The time of the earliest pending deadline, if any (for a replay or a sleeping loop).
    public var nextDeadlineMillis: Int64? { timers.nextDeadline }

    /// An `absent` check came due: if the series has been silent long enough, evaluate the rule
    /// as of the deadline (with its last value and windows), then arm the next longer `absent`
    /// duration of the rule, if any. A series that stays silent past all of them is not checked
    /// again until its next reading re-arms it.
    private func checkAbsent(_ alertIndex: Int32, at deadline: Int64, into events: inout [AlertEvent]) {
        let alert = alerts[Int(alertIndex)]
        let rule = ruleRecords[Int(alert.rule)]
        let record = seriesRecords[Int(alert.series)]
        let durations = absentMillis.base + Int(rule.absentStart)
        let silence = deadline - record.lastSeen
        guard silence >= durations[0] else {
            // A reading came after this check was armed: look again a full duration after it.
            armAbsent(alertIndex, at: record.lastSeen + durations[0])
            return
        }
        if let next = (0..<Int(rule.absentCount)).first(where: { durations[$0] > silence }) {
            armAbsent(alertIndex, at: record.lastSeen + durations[next])
        }
        let tables = hot.pointee
        var interpreter = Interpreter(
            value: record.lastValue, now: deadline, lastSeen: record.lastSeen,
            latest: tables.latest + Int(record.device) * tables.sensorCount, buffers: tables.buffers,
            windowMap: tables.windowMap, stack: tables.stack)
        step(tables.bindings[Int(alert.binding)], tables, &interpreter, fromReading: false, &events)
        hot.pointee.evaluations &+= 1
    }
}
