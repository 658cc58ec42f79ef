import Clocks
import Foundation
import MQTT
import Ownership
import Readings
import Rules
import Webhooks

/// The rule engine on the MQTT receive thread: every accepted reading is evaluated right after
/// it is decoded, before it is handed to the spool, so a hazard is seen within the same
/// callback that received it. Transitions (rare) publish their MQTT actions from this thread
/// at once and go to the ``AlertService`` through a non-blocking yield.
///
/// Per reading the cost is the engine's: an indexed lookup of the rules that can match the
/// series and their compiled expressions; no `Task`, lock or allocation. Timers (`for`,
/// `absent`, `repeat`) run from the idle tick; new rules are swapped in there too.
final class RuleStage {
    private var engine: RuleEngine
    private let updates: RuleUpdateSlot
    private let alerts: AlertService
    private let metrics: EdgeMetrics
    private let tickMillis: Int64
    /// Publishes MQTT actions; set before the MQTT loop starts.
    var client: MQTTClient?
    /// What operators shelved or took out of service (no webhook, no stop command for those);
    /// set before the MQTT loop starts.
    var suppressions: SuppressionBook?
    /// One of a pair: where the series watched by `absent` rules are left for the next active
    /// (every ``Ownership/HandedOverWatch/intervalMillis``); nil for a lone edge. Set before the MQTT loop starts.
    var handover: AlertHandover?
    private var lastWatchMillis: Int64 = 0
    /// Whether this engine watches anything with `absent`: decided once per rule set.
    private var watchesAbsence: Bool
    /// Whether this edge may act (one of a pair: it holds the site's session with a lease);
    /// nil for a lone edge, which always may. Set before the MQTT loop starts.
    var gate: OwnershipGate?
    /// Transitions waiting while this edge is active without a lease (a slow broker, or a
    /// frozen process that woke): sent when the lease is back, dropped (counted) if the session
    /// went to another edge, which alerts for them itself.
    private var withheld: [AlertEvent] = []
    private static let maxWithheld = 10_000
    private var events: [AlertEvent] = []
    private var lastTickMillis: Int64 = 0
    private var reportedEvaluations = 0
    private var reportedChattering = 0
    private var reportedDamped = 0
    private var messagesUntilSample = 0
    private var lastPendingGaugeMillis: Int64 = 0
    private var floodGate: AlertFloodGate
    private var commandRetries = CommandRetries()
    /// Stop commands waiting for their confirmation, and the cooldowns.
    private var commandLoop = CommandLoop()
    /// The open escalation alarms, one per device.
    private var escalations = CommandEscalation()
    /// Firing alarms not announced because they were shelved or out of service: announced when
    /// that ends while they still fire.
    private var heldBack = HeldBackAlarms()
    private var lastHeldBackCheckMillis: Int64 = 0
    /// How often held-back alarms are checked against the suppressions.
    static let heldBackCheckMillis: Int64 = 250
    /// Command attempts of the events being dispatched, recorded after their alerts so that
    /// writing the record never delays the alert's own notification.
    private var commandRecords: [CommandAttempt] = []

    /// - Parameter maxAlertsPerMinute: firing notifications one rule may send per minute before
    ///   ``AlertFloodGate`` aggregates them (0: no limit).
    init(
        rules: RuleSet, restoring active: [ActiveAlert], updates: RuleUpdateSlot, alerts: AlertService, metrics: EdgeMetrics,
        tickInterval: Duration, maxAlertsPerMinute: Int = 60, maxSiteAlertsPerMinute: Int = 0,
        engineOptions: RuleEngine.Options = RuleEngine.Options()
    ) {
        floodGate = AlertFloodGate(maxPerMinute: maxAlertsPerMinute, maxPerSitePerMinute: maxSiteAlertsPerMinute)
        engine = RuleEngine(rules: rules, options: engineOptions)
        engine.restore(active)
        watchesAbsence = Self.watchesAbsence(rules)
        self.updates = updates
        self.alerts = alerts
        self.metrics = metrics
        tickMillis = max(1, tickInterval.milliseconds)
        events.reserveCapacity(16)
        // Rules removed while the edge was down: their firing alerts resolve from the alert
        // record (no series is registered yet, so the engine itself has nothing to resolve).
        let unknown = engine.retire(
            rulesNotIn: Set(rules.rules.map(\.name)), atMillis: WallClock.millis(), reason: Self.removedReason, into: &events)
        if !unknown.isEmpty { alerts.resolveUnknownRules(unknown) }
        heldBack.replace(withFiring: alerts.unannouncedBodies(), annotation: AlertService.silencedAnnotation)
    }

    /// The annotation of a notification announcing an alarm held back while shelved or out of service.
    static let announcedAnnotation = "announced"

    /// Why an alert whose rule left the rule file resolved (its `resolved_by` annotation).
    static let removedReason = "rule removed from the rule file"

    /// Evaluates the readings one message appended to `columns` (from `readings`) and
    /// registers the series it introduced (from `newSeries`).
    func evaluate(_ columns: ReadingColumns, readingsFrom readings: Int, newSeriesFrom newSeries: Int, atMillis: Int64) {
        if newSeries < columns.newSeries.count {
            for index in newSeries..<columns.newSeries.count {
                engine.register(series: columns.newSeries[index].id, columns.newSeries[index].series)
            }
        }
        guard readings < columns.count else { return }
        // The evaluation time is sampled, one message in 64: two clock reads per message
        // would cost more than the rules themselves.
        messagesUntilSample -= 1
        let sampled = messagesUntilSample <= 0
        let start = sampled ? DispatchTime.now().uptimeNanoseconds : 0
        for index in readings..<columns.count {
            engine.evaluate(series: columns.sid[index], value: columns.value[index], atMillis: atMillis, into: &events)
            if !events.isEmpty {
                dispatch(readingTs: columns.ts[index], seq: columns.seq[index] >= 0 ? columns.seq[index] : nil)
            }
        }
        if sampled {
            messagesUntilSample = 64
            metrics.ruleEvaluationDuration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start))
        }
    }

    /// Timers, metrics and rule swaps; called from the MQTT loop's idle tick.
    func tick(nowMillis: Int64, seriesTable: SeriesTable) {
        if let rules = updates.take() { replace(with: rules, seriesTable: seriesTable, nowMillis: nowMillis) }
        // Timers run when one is due (`for` running out, `absent`, `repeat`), and every tick for the metrics.
        let due = engine.nextDeadlineMillis.map { nowMillis >= $0 } ?? false
        guard due || nowMillis - lastTickMillis >= tickMillis else { return }
        lastTickMillis = nowMillis
        engine.advance(toMillis: nowMillis, into: &events)
        if !events.isEmpty || !withheld.isEmpty { dispatch(readingTs: nil, seq: nil) }
        if !heldBack.isEmpty, nowMillis - lastHeldBackCheckMillis >= Self.heldBackCheckMillis {
            lastHeldBackCheckMillis = nowMillis
            announceReleased(nowMillis: nowMillis)
        }
        // Commands go out only while this edge may act (one of a pair: it holds the lease); due
        // ones wait meanwhile, and a takeover hands the site to the other edge, which keeps its own.
        let commandsDue = (commandLoop.nextDeadlineMillis.map { nowMillis >= $0 } ?? false)
            || (commandRetries.nextDueMillis.map { nowMillis >= $0 } ?? false)
        if commandsDue, gate?.mayAct(nowNanos: MonotonicClock.nanos()) ?? true {
            if let due = commandLoop.nextDeadlineMillis, nowMillis >= due { advanceCommandLoop(nowMillis: nowMillis) }
            if let due = commandRetries.nextDueMillis, nowMillis >= due { sendDue(nowMillis: nowMillis) }
        }
        if !commandRecords.isEmpty {
            for record in commandRecords { alerts.record(command: record) }
            commandRecords.removeAll(keepingCapacity: true)
        }
        if let handover, watchesAbsence, nowMillis - lastWatchMillis >= HandedOverWatch.intervalMillis,
           gate?.mayAct(nowNanos: MonotonicClock.nanos()) ?? false {
            lastWatchMillis = nowMillis
            handover.publish(watched: engine.absentWatched().map { entry in
                let series = seriesTable.series(entry.id)
                return HandedOverWatch.Series(
                    site: series.site, line: series.line, device: series.device, sensor: series.sensor, unit: series.unit,
                    lastSeenMillis: entry.lastSeenMillis)
            })
        }
        if floodGate.isFlooding {
            for ended in floodGate.advance(toMillis: nowMillis) { alerts.submit(EdgeAlert(event: ended, readingTs: nil, seq: nil)) }
        }
        let evaluations = engine.evaluations
        if evaluations > reportedEvaluations {
            metrics.ruleEvaluations.increment(by: Int64(evaluations - reportedEvaluations))
            reportedEvaluations = evaluations
        }
        if engine.chatteringStarted > reportedChattering {
            metrics.alarmsChattering.increment(by: Int64(engine.chatteringStarted - reportedChattering))
            reportedChattering = engine.chatteringStarted
        }
        if engine.dampedToggles > reportedDamped {
            metrics.alarmTogglesDamped.increment(by: Int64(engine.dampedToggles - reportedDamped))
            reportedDamped = engine.dampedToggles
        }
        if nowMillis - lastPendingGaugeMillis >= 1_000 {
            lastPendingGaugeMillis = nowMillis
            metrics.alertsPending.record(engine.activeAlerts.filter { $0.state == .pending }.count)
        }
    }

    /// This edge took the site's session over (ingest thread, before the session's first
    /// message): the previous active's firing alerts replace the engine's own, so a hazard in
    /// progress is not alerted twice and resolves once with its id. Transitions withheld before
    /// are dropped (counted): the previous active acted for that time.
    ///   The series the previous active watched with `absent` rules are watched from their last
    ///   reading there.
    func adopt(_ handedOver: [HandedOverAlert], watched: [(id: SeriesID, series: Series, lastSeenMillis: Int64)]) {
        engine.adopt(handedOver.filter { !AlertService.endsWithProcess(rule: $0.rule, body: Array($0.notification.utf8)) }.map(\.activeAlert))
        for entry in watched {
            engine.register(series: entry.id, entry.series)
            engine.watch(series: entry.id, lastSeenMillis: entry.lastSeenMillis)
        }
        if !withheld.isEmpty {
            metrics.alertsWithheld.increment(by: Int64(withheld.count))
            withheld.removeAll()
        }
        commandRetries.keep(alertIDs: Set(handedOver.map(\.alertID)))
        // This edge's waits from an earlier turn as active are over (the other edge acted since),
        // and so are its escalation alarms, which that edge ended when it took over: the waits
        // kept (alarms handed back) start their escalation afresh.
        commandLoop.keep(alertIDs: Set(handedOver.map(\.alertID)))
        escalations.forgetAll()
        heldBack.replace(
            withFiring: handedOver.filter { $0.receivers.isEmpty }.map { Array($0.notification.utf8) },
            annotation: AlertService.silencedAnnotation)
        metrics.alertsAdopted.increment(by: Int64(handedOver.count))
        alerts.adopt(handedOver)
    }

    /// The decoder forgot idle series and renumbered the rest: the engine is rebuilt on the new
    /// ids with the same rules, keeping its alerts (as on a reload; windows start again).
    func seriesRenumbered(seriesTable: SeriesTable, renumbering: SeriesRenumbering?) {
        rebuild(with: engine.rules, seriesTable: seriesTable, renumbering: renumbering)
    }

    /// A new rule set: a new engine that knows every series seen so far and keeps the alerts
    /// of rules that are still there (by name), so a reload neither forgets nor re-fires them.
    /// The firing alerts of removed rules resolve first, as notifications of the old engine.
    private func replace(with rules: RuleSet, seriesTable: SeriesTable, nowMillis: Int64) {
        let names = Set(rules.rules.map(\.name))
        let unknown = engine.retire(rulesNotIn: names, atMillis: nowMillis, reason: Self.removedReason, into: &events)
        if !events.isEmpty { dispatch(readingTs: nil, seq: nil) }
        if !unknown.isEmpty { alerts.resolveUnknownRules(unknown) }
        rebuild(with: rules, seriesTable: seriesTable)
        watchesAbsence = Self.watchesAbsence(rules)
        commandRetries.keep(rules: names)
    }

    /// - Parameter renumbering: old id → new id when the table was renumbered; nil when ids stayed.
    private func rebuild(with rules: RuleSet, seriesTable: SeriesTable, renumbering: SeriesRenumbering? = nil) {
        let active = engine.activeAlerts
        let next = RuleEngine(rules: rules, options: engine.options)
        for id in 0..<seriesTable.count {
            next.register(series: SeriesID(id), seriesTable.series(SeriesID(id)))
        }
        // Each series keeps its history, so the flood gate does not take the plant for newcomers.
        let oldCount = renumbering?.newIDs.count ?? seriesTable.count
        for old in 0..<oldCount {
            guard let first = engine.firstSeenMillis(of: SeriesID(old)) else { continue }
            let new = renumbering.map { $0.newIDs[old] } ?? SeriesID(old)
            if new != SeriesRenumbering.forgotten { next.restoreFirstSeen(first, of: new) }
        }
        next.restore(active)
        engine = next
        reportedEvaluations = 0
        reportedChattering = 0
        reportedDamped = 0
    }

    private static func watchesAbsence(_ rules: RuleSet) -> Bool {
        rules.rules.contains(where: \.watchesAbsence)
    }

    /// Whether the events may be acted on now; if not, keeps or drops them (see `withheld`).
    private func mayAct() -> Bool {
        guard let gate else { return true }
        let now = MonotonicClock.nanos()
        if gate.mayAct(nowNanos: now) {
            if !withheld.isEmpty {
                events.insert(contentsOf: withheld, at: 0)
                withheld.removeAll()
            }
            return true
        }
        if gate.isActive {
            let room = max(0, Self.maxWithheld - withheld.count)
            withheld.append(contentsOf: events.prefix(room))
            if events.count > room { metrics.alertsWithheld.increment(by: Int64(events.count - room)) }
        } else {
            metrics.alertsWithheld.increment(by: Int64(events.count + withheld.count))
            withheld.removeAll()
        }
        events.removeAll(keepingCapacity: true)
        return false
    }

    private func dispatch(readingTs: Int64?, seq: Int64?) {
        guard mayAct() else { return }
        for index in events.indices {
            var event = events[index]
            let silenced = silence(event)
            var announced = false
            switch event.kind {
            case .firing:
                if let silenced, !heldBack.hold(alertID: event.alertID, point: Self.point(of: event), why: Self.describe(silenced)) {
                    metrics.alertsNotAnnounced.increment()
                }
            case .resolved:
                heldBack.forget(alertID: event.alertID)
            case .repeat:
                // The first repeat after the alarm's shelf ended (its own, or one made to announce it).
                if silenced == nil, !heldBack.isEmpty, let why = heldBack.take(alertID: event.alertID) {
                    event.annotations[Self.announcedAnnotation] = "held back when it fired (\(why)); still firing when that ended"
                    announced = true
                }
            }
            // Stop commands go out whatever the flood gate decides about the notification, but
            // not for an alarm an operator shelved or took out of service (they go out when that
            // ends while it still fires).
            if event.kind == .firing || announced {
                for action in event.actions {
                    switch action {
                    case .mqtt(let topic, let payload, let qos, let loop):
                        if let silenced {
                            commandRecords.append(Self.record(
                                of: event, topic: topic, payload: payload, qos: qos, attempt: 0, result: "not sent: \(Self.describe(silenced))"))
                            continue
                        }
                        let command = CommandRetries.Command(
                            alertID: event.alertID, rule: event.rule, site: event.site, line: event.line, device: event.device, topic: topic,
                            payload: payload, qos: qos, attempts: 1, nextAtMillis: 0)
                        let confirmation = loop.confirm.map { Self.confirmation(of: command, event: event, $0) }
                        if let ago = commandLoop.admit(rule: event.rule, topic: topic, cooldownMillis: loop.cooldownMillis, nowMillis: event.atMillis) {
                            // Held, not dropped: if the hazard still stands when the cooldown ends, the command goes then.
                            let until = event.atMillis - ago + loop.cooldownMillis
                            metrics.stopCommandOutcomes["cooldown"]?.increment()
                            commandRetries.hold(
                                CommandRetries.Command(
                                    alertID: event.alertID, rule: event.rule, site: event.site, line: event.line, device: event.device,
                                    topic: topic, payload: payload, qos: qos, attempts: 0, nextAtMillis: until,
                                    held: .init(cooldownMillis: loop.cooldownMillis, confirmation: confirmation)),
                                untilMillis: until)
                            commandRecords.append(Self.record(
                                of: event, topic: topic, payload: payload, qos: qos, attempt: 0,
                                result: "held: cooldown (the last went \(ago) ms before); goes at \(RFC3339.format(millis: until)) if the alert still fires"))
                            continue
                        }
                        send(command, nowMillis: event.atMillis)
                        if let confirmation { wait(for: confirmation) }
                    case .unpublishable(let topic, let reason):
                        metrics.mqttActionErrors.increment()
                        commandRecords.append(Self.record(of: event, topic: topic, payload: "", qos: 0, attempt: 0, result: "refused: \(reason)"))
                    case .webhook:
                        break
                    }
                }
            } else if event.kind == .resolved {
                commandRetries.cancel(alertID: event.alertID)
                if commandLoop.isWaiting { endWaits(of: event) }
            }
            if let silenced {
                // Notified to nobody anyway: it must not count toward a flood and hold back a real alarm.
                alerts.submit(EdgeAlert(event: event, readingTs: readingTs, seq: seq, silenced: silenced))
                continue
            }
            switch floodGate.admit(event, nowMillis: event.atMillis) {
            case .pass:
                // A newcomer's notification must not hold back a real sensor's in the receiver's queue.
                alerts.submit(EdgeAlert(event: event, readingTs: readingTs, seq: seq, priority: floodGate.isNewcomer(event) ? .low : .normal))
            case .suppress:
                metrics.alertsSuppressed.increment()
            case .suppressAndRaise(let flood):
                metrics.alertsSuppressed.increment()
                alerts.submit(EdgeAlert(event: flood, readingTs: readingTs, seq: seq))
            }
        }
        events.removeAll(keepingCapacity: true)
        for record in commandRecords { alerts.record(command: record) }
        commandRecords.removeAll(keepingCapacity: true)
    }

    /// Announces the held-back alarms whose shelf ended or that returned to service while they
    /// still fire: a repeat to their receivers (annotated `announced`) and their stop commands.
    private func announceReleased(nowMillis: Int64) {
        guard gate?.mayAct(nowNanos: MonotonicClock.nanos()) ?? true else { return }
        let known = suppressions?.current  // one copy, not a lock per held alarm
        let released = heldBack.released { point in known?.suppression(of: point, nowMillis: nowMillis) != nil }
        guard !released.isEmpty else { return }
        let announced = engine.announce(alertIDs: released, atMillis: nowMillis, into: &events)
        // Not firing here and not waiting for its series (restored): it ended without a resolve
        // through this stage (its rule was removed, say), so nothing is left to announce.
        for id in released.subtracting(announced) {
            if let point = heldBack.held[id]?.point,
               !engine.awaitsRestore(rule: point.rule, site: point.site, line: point.line, device: point.device, sensor: point.sensor) {
                heldBack.forget(alertID: id)
            }
        }
        if !events.isEmpty { dispatch(readingTs: nil, seq: nil) }
    }

    private static func point(of event: AlertEvent) -> AlarmPoint {
        AlarmPoint(rule: event.rule, site: event.site, line: event.line, device: event.device, sensor: event.sensor)
    }

    /// Why an event's alarm is not notified (shelved, out of service), counted; nil when it is.
    private func silence(_ event: AlertEvent) -> AlarmSuppressions.Reason? {
        guard let suppressions, event.kind != .resolved else { return nil }
        guard let reason = suppressions.reason(for: Self.point(of: event), nowMillis: event.atMillis) else { return nil }
        switch reason {
        case .shelved: metrics.alertsSilenced["shelved"]?.increment()
        case .outOfService: metrics.alertsSilenced["out_of_service"]?.increment()
        }
        return reason
    }

    /// `shelved until 2026-12-07T10:00:00.000Z`, `out of service`.
    static func describe(_ reason: AlarmSuppressions.Reason) -> String {
        switch reason {
        case .shelved(let until): "shelved until \(RFC3339.format(millis: until))"
        case .outOfService: "out of service"
        }
    }

    /// Whether a message is the reply a stop command waits for (then it is not a reading);
    /// called on the MQTT thread for every message while one waits.
    var awaitsConfirmation: Bool { commandLoop.isWaiting }

    /// Takes a message that may confirm waiting stop commands. - Returns: whether it did.
    func confirm(topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, atMillis: Int64) -> Bool {
        let outcomes = commandLoop.received(topic: topic, payload: payload, nowMillis: atMillis)
        guard !outcomes.isEmpty else { return false }
        for case .confirmed(let command, let after) in outcomes {
            metrics.stopCommandOutcomes["confirmed"]?.increment()
            metrics.stopCommandConfirmation.recordMilliseconds(after)
            alerts.record(command: command.record(
                atMillis: atMillis,
                result: "confirmed \(after) ms after the first send" + (command.escalatedAtMillis != nil ? ", after its escalation" : "")))
            if command.escalatedAtMillis != nil, let ended = escalations.ended(command, atMillis: atMillis, why: "the reply came late") {
                alerts.submit(EdgeAlert(event: ended, readingTs: nil, seq: nil))
            }
        }
        return true
    }

    /// Commands due: retries of failed publishes, and commands whose cooldown ended while their
    /// alert still fires (their confirmation then starts).
    private func sendDue(nowMillis: Int64) {
        for command in commandRetries.takeDue(nowMillis: nowMillis) {
            guard let held = command.held else {
                send(command, nowMillis: nowMillis)
                continue
            }
            if let ago = commandLoop.admit(rule: command.rule, topic: command.topic, cooldownMillis: held.cooldownMillis, nowMillis: nowMillis) {
                commandRetries.hold(command, untilMillis: nowMillis - ago + held.cooldownMillis)
                continue
            }
            var first = command
            first.held = nil
            send(first, nowMillis: nowMillis, note: "sent after its cooldown")
            if var confirmation = held.confirmation {
                confirmation.firstSentAtMillis = nowMillis
                confirmation.deadlineMillis = nowMillis + confirmation.withinMillis
                wait(for: confirmation)
            }
        }
    }

    /// Starts waiting for a command's reply; a wait given up to make room (more than
    /// ``CommandLoop/capacity``) ends its escalation.
    private func wait(for confirmation: CommandLoop.Waiting) {
        guard let evicted = commandLoop.sent(confirmation), evicted.escalatedAtMillis != nil else { return }
        if let ended = escalations.ended(evicted, atMillis: confirmation.firstSentAtMillis, why: "no longer awaited: more than \(CommandLoop.capacity) commands waited") {
            alerts.submit(EdgeAlert(event: ended, readingTs: nil, seq: nil))
        }
    }

    /// The wait for the reply to `command`, sent now for `event`.
    private static func confirmation(
        of command: CommandRetries.Command, event: AlertEvent, _ confirm: RenderedCommandLoop.Confirmation
    ) -> CommandLoop.Waiting {
        var receivers: [String] = []
        for case .webhook(let receiver) in event.actions where !receivers.contains(receiver) { receivers.append(receiver) }
        return CommandLoop.Waiting(
            alertID: event.alertID, rule: event.rule, site: event.site, line: event.line, device: event.device,
            topic: command.topic, payload: command.payload, qos: command.qos, confirmTopic: Array(confirm.topic.utf8),
            confirmPayload: Array(confirm.payload.utf8), withinMillis: confirm.withinMillis, retriesLeft: confirm.retries,
            attempts: 1, firstSentAtMillis: event.atMillis, deadlineMillis: event.atMillis + confirm.withinMillis,
            receivers: receivers)
    }

    /// Commands past their `within`: sent again, or escalated.
    private func advanceCommandLoop(nowMillis: Int64) {
        for outcome in commandLoop.advance(nowMillis: nowMillis) {
            switch outcome {
            case .resend(let command):
                metrics.stopCommandOutcomes["resent"]?.increment()
                send(CommandRetries.Command(
                    alertID: command.alertID, rule: command.rule, site: command.site, line: command.line, device: command.device,
                    topic: command.topic, payload: command.payload, qos: command.qos, attempts: command.attempts, nextAtMillis: 0),
                    nowMillis: nowMillis,
                    note: "sent again: not confirmed within \(command.withinMillis) ms")
            case .escalate(let command):
                metrics.stopCommandOutcomes["escalated"]?.increment()
                commandRecords.append(command.record(atMillis: nowMillis, result: "not confirmed after \(command.attempts) sends: escalated"))
                if let firing = escalations.escalated(command, atMillis: nowMillis) {
                    alerts.submit(EdgeAlert(event: firing, readingTs: nil, seq: nil))
                }
            case .confirmed:
                break
            }
        }
    }

    /// An alert resolved: its commands are no longer waited for; an escalation of one resolves.
    private func endWaits(of event: AlertEvent) {
        for command in commandLoop.resolved(alertID: event.alertID) {
            if command.escalatedAtMillis != nil {
                if let ended = escalations.ended(command, atMillis: event.atMillis, why: "its alert resolved") {
                    alerts.submit(EdgeAlert(event: ended, readingTs: nil, seq: nil))
                }
            } else {
                commandRecords.append(command.record(atMillis: event.atMillis, result: "not confirmed before its alert resolved"))
            }
        }
    }

    /// Publishes one command, records the attempt, and schedules a retry when it failed.
    /// - Parameter note: the result recorded when it went out (`sent` by default).
    private func send(_ command: CommandRetries.Command, nowMillis: Int64, note: String = "sent") {
        var result = note
        do {
            guard let client else { throw MQTTError(call: "publish", code: -1, message: "the MQTT client is not running") }
            try client.publish(topic: command.topic, payload: Array(command.payload.utf8), qos: command.qos)
            metrics.mqttActionsSent.increment()
        } catch {
            // A QoS 0 command while disconnected fails here; QoS ≥ 1 is queued by libmosquitto.
            metrics.mqttActionErrors.increment()
            commandRetries.failed(command, nowMillis: nowMillis)
            result = "failed, retried while the alert fires: \(error)"
        }
        commandRecords.append(CommandAttempt(
            alertID: command.alertID, rule: command.rule, site: command.site, line: command.line, device: command.device,
            topic: command.topic, payload: command.payload, qos: command.qos, attempt: command.attempts, atMillis: nowMillis,
            result: result))
    }

    /// The record of a command of `event` that did not go out now (`attempt` 0: held, refused,
    /// not sent while the alarm is silenced).
    private static func record(
        of event: AlertEvent, topic: String, payload: String, qos: Int, attempt: Int, result: String
    ) -> CommandAttempt {
        CommandAttempt(
            alertID: event.alertID, rule: event.rule, site: event.site, line: event.line, device: event.device, topic: topic,
            payload: payload, qos: qos, attempt: attempt, atMillis: event.atMillis, result: result)
    }
}
