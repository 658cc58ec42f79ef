import Clocks
import Foundation
import Readings
import Logging
import Ownership
import Rules
import SQLite
import ServiceLifecycle
import Synchronization
import Webhooks

/// Takes alert transitions off the MQTT thread and makes them durable and delivered: each is
/// recorded in the ``AlertStore`` (active set, log and webhook outbox rows for every receiver
/// its rule names, in one transaction), then the dispatcher is woken. Its first webhook attempt
/// starts before the record (an express attempt), so the disk's `fsync` is not on the hazard →
/// webhook path; the outbox keeps the retries. Also keeps the snapshot `/api/v1/alerts` serves.
///
/// The MQTT thread only yields into an unbounded `AsyncStream` (transitions are rare, a yield is
/// cheap), so a slow disk or receiver never holds back ingest.
final class AlertService: Service, Sendable {
    enum Input: Sendable {
        case alert(EdgeAlert)
        /// Firing alerts restored for rules that are gone (removed while the edge was down): the
        /// rule engine cannot describe them, so they resolve here from their recorded notification.
        case resolveUnknownRules([ActiveAlert], atMillis: Int64, reason: String)
        /// Once a second: retry what could not be written.
        case tick
        /// A rule's MQTT action was published, failed or refused.
        case command(CommandAttempt)
        /// This edge took the site's session over: the previous active's firing alerts replace
        /// its own rule alerts.
        case adopt([HandedOverAlert])
    }

    /// A notification that could not be recorded yet (the disk is full or failing), kept in
    /// memory in order and retried every second; what follows it waits behind it.
    struct Unrecorded: Sendable {
        var alert: EdgeAlert
        var body: [UInt8]
        /// Who this notification goes to.
        var receivers: [String]
        /// Who heard the alarm fire (what its resolve goes to), kept with the active alarm.
        var activeReceivers: [String]
    }

    /// Why a flood alarm ended at a restart or takeover (its `resolved_by`).
    static let floodEndedReason = "the edge restarted or took over: its flood count starts again"

    /// The annotation a silenced notification carries: why nobody was notified.
    static let silencedAnnotation = "silenced"

    /// Most notifications kept in memory while `alerts.db` cannot be written; beyond it new
    /// ones are counted in `haetae_alerts_dropped_total` and logged.
    static let maxUnrecorded = 10_000

    let inputs: AsyncStream<Input>
    let continuation: AsyncStream<Input>.Continuation
    private let store: Mutex<AlertStore>
    private let dispatcher: WebhookDispatcher?
    private let edge: String
    private let metrics: EdgeMetrics
    private let logger: Logger
    /// Firing alerts by alert id → latest notification body, for the API.
    private let snapshot: Mutex<[String: Firing]>

    /// A firing alert as the API and the gauges see it.
    struct Firing: Sendable {
        /// Its latest notification.
        var body: [UInt8]
        var severity: String
        var isSystem: Bool
        /// The receivers that heard it fire (none while it was shelved or out of service, until
        /// it was announced): its resolve goes to exactly these, so a receiver never gets one
        /// without the other.
        var receivers: [String]
    }
    /// Signalled after a notification or a stop-command record is recorded (the forwarder's
    /// alert lane wakes).
    private let recorded: WakeSignal?
    /// Notifications are dropped from the log this long after they happened, once delivered
    /// to the outbox and (with forwarding) to the core.
    private let logRetentionMillis: Int64
    private let forwardsToCore: Bool
    private let lastPurgeMillis = Atomic<Int64>(0)
    private let unrecorded = Mutex<[Unrecorded]>([])
    /// The site and receivers of the edge's own alerts (``SystemAlert``).
    private let site: String
    private let systemReceivers: [String]
    /// Firing system alerts and when they started (the same alert id when they resolve).
    private let systemFiring: Mutex<[SystemAlert: Int64]>
    /// Where the recording stage runs: its commits block (fsync), which must not take one of
    /// the concurrency pool's few threads from the tasks sending webhooks.
    private let workThread = SQLiteWorkThread(name: "haetae-alerts")
    /// One of a pair: where firing alerts are left for the next active; nil for a lone edge.
    private let handover: AlertHandover?

    /// - Parameters:
    ///   - recorded: signalled after each notification is recorded (the forwarder's alert lane).
    ///   - forwardsToCore: whether a forwarder sends the log to the core (then only forwarded rows are purged).
    init(
        store: sending AlertStore, dispatcher: WebhookDispatcher?, edge: String, metrics: EdgeMetrics, logger: Logger,
        recorded: WakeSignal? = nil, forwardsToCore: Bool = false, logRetention: Duration = .seconds(7 * 86_400),
        site: String = "", systemReceivers: [String] = [], handover: AlertHandover? = nil
    ) throws {
        self.handover = handover
        self.site = site
        self.systemReceivers = systemReceivers
        self.recorded = recorded
        self.forwardsToCore = forwardsToCore
        logRetentionMillis = logRetention.components.seconds * 1_000
        (inputs, continuation) = AsyncStream.makeStream(of: Input.self)
        var initial: [String: Firing] = [:]
        var system: [SystemAlert: Int64] = [:]
        for row in try store.active() {
            initial[row.alertID] = Firing(
                body: row.body, severity: row.severity, isSystem: SystemAlert.isSystem(rule: row.alert.rule), receivers: row.receivers)
            if let kind = SystemAlert(rawValue: row.alert.rule) { system[kind] = row.alert.sinceMillis }
        }
        snapshot = Mutex(initial)
        systemFiring = Mutex(system)
        self.store = Mutex(store)
        self.dispatcher = dispatcher
        self.edge = edge
        self.metrics = metrics
        self.logger = logger
    }

    deinit {
        workThread.shutdown()
    }

    /// Firing alerts to give back to a new rule engine (not the edge's own, ``SystemAlert``).
    func activeAlerts() throws -> [ActiveAlert] {
        try store.withLock { try $0.active() }
            .filter { !SystemAlert.isSystem(rule: $0.alert.rule) && !Self.endsWithProcess(rule: $0.alert.rule, body: $0.body) }
            .map(\.alert)
    }

    /// Whether a firing alarm is about state the edge does not keep across a restart or hand
    /// over in a takeover (a flood's count, a stop command's wait): one of those ends then, from
    /// its record, else nothing would ever resolve it.
    static func endsWithProcess(rule: String, body: [UInt8]) -> Bool {
        if rule == CommandEscalation.rule || rule == AlertFloodGate.siteFloodRule { return true }
        // A flood alarm carries both (a rule's own labels may say `flood` about water).
        let labels = (try? AlertCodec.decodeNotice(body))?.alert.labels ?? [:]
        return labels[AlertFloodGate.floodLabel] == "true" && labels["flood_of"] != nil
    }

    /// Fires or resolves one of the edge's own alerts when its state changes; from any thread,
    /// never blocks. Repeating the current state does nothing.
    func system(_ kind: SystemAlert, firing: Bool, detail: String) {
        let now = WallClock.millis()
        let started: Int64? = systemFiring.withLock { current in
            switch (current[kind], firing) {
            case (nil, true):
                current[kind] = now
                return now
            case (let since?, false):
                current[kind] = nil
                return since
            default:
                return nil
            }
        }
        guard let started else { return }
        let event = kind.event(
            firing: firing, edge: edge, site: site, startedAtMillis: started, atMillis: now, detail: detail, receivers: systemReceivers)
        continuation.yield(.alert(EdgeAlert(event: event, readingTs: nil, seq: nil)))
    }

    /// Called on the MQTT thread: never blocks.
    func submit(_ alert: EdgeAlert) {
        continuation.yield(.alert(alert))
    }

    /// Called on the MQTT thread: never blocks.
    func record(command: CommandAttempt) {
        continuation.yield(.command(command))
    }

    /// The newest command attempts, newest first (for `/api/v1/commands`).
    func recentCommands(limit: Int) -> [CommandAttempt] {
        (try? store.withLock { try $0.commands(limit: limit) }) ?? []
    }

    private func recordCommand(_ record: CommandAttempt) {
        let fine = record.wasPublished || record.result.hasPrefix("confirmed") || record.result.hasPrefix("held")
        logger.log(level: fine ? .info : .error, "stop command", metadata: [
            "alert": "\(record.alertID)", "rule": "\(record.rule)", "topic": "\(record.topic)", "attempt": "\(record.attempt)",
            "result": "\(record.result)",
        ])
        do {
            try store.withLock { try $0.record(command: record) }
            recorded?.signal()  // the alert lane takes it to the core's audit log
        } catch {
            // The command itself went (or not) already; only its record is missing.
            metrics.alertStoreErrors.increment()
        }
    }

    /// Called on the MQTT thread when this edge took the site's session over: never blocks.
    func adopt(_ alerts: [HandedOverAlert]) {
        continuation.yield(.adopt(alerts))
    }

    /// Resolves firing alerts from their recorded notification, with `reason` (their rule is
    /// gone: see ``Input/resolveUnknownRules(_:atMillis:reason:)``); never blocks.
    func resolveUnknownRules(_ alerts: [ActiveAlert], reason: String = RuleStage.removedReason) {
        continuation.yield(.resolveUnknownRules(alerts, atMillis: WallClock.millis(), reason: reason))
    }

    /// The latest notification of each firing rule alarm that no receiver heard fire (it fired
    /// shelved or out of service, or its rule names no receiver).
    func unannouncedBodies() -> [[UInt8]] {
        snapshot.withLock { $0.values.filter { !$0.isSystem && $0.receivers.isEmpty }.map(\.body) }
    }

    /// The latest notification body of every firing alert, oldest first.
    func firingBodies() -> [[UInt8]] {
        snapshot.withLock { $0.values.map(\.body) }
    }

    /// The newest notifications (firing, repeat and resolved), newest first.
    func recentBodies(limit: Int) -> [[UInt8]] {
        (try? store.withLock { try $0.recent(limit: limit) }) ?? []
    }

    func run() async throws {
        // Stop command escalations and flood alarms open at the last stop: the waits and the
        // counts behind them were not kept, so they end now (a flood still going raises a new one).
        let ending = ((try? store.withLock { try $0.active() }) ?? []).filter { Self.endsWithProcess(rule: $0.alert.rule, body: $0.body) }
        let escalations = ending.map(\.alert).filter { $0.rule == CommandEscalation.rule }
        if !escalations.isEmpty {
            resolveUnknownRules(escalations, reason: "the edge restarted: the command's reply is no longer awaited")
        }
        let floods = ending.map(\.alert).filter { $0.rule != CommandEscalation.rule }
        if !floods.isEmpty { resolveUnknownRules(floods, reason: Self.floodEndedReason) }
        updateGauges()
        // Two stages: the first announces each alert at once (its snapshot, log line and first
        // webhook attempt), the second records it; so an alert never waits for the fsync of the
        // one before it. The second keeps the order of everything it is given.
        let (steps, stepSink) = AsyncStream.makeStream(of: RecordStep.self)
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { stages in
                stages.addTask { [workThread] in
                    await withTaskExecutorPreference(workThread) {
                        for await step in steps {
                            switch step {
                            case .record(let item): await self.keep(item)
                            case .resolveUnknownRules(let alerts, let atMillis, let reason):
                                self.resolveUnknownRules(alerts, atMillis: atMillis, reason: reason)
                            case .retry: await self.retryUnwritten()
                            case .command(let record): self.recordCommand(record)
                            case .adopt(let alerts): self.recordAdopted(alerts)
                            }
                        }
                    }
                }
                await withDiscardingTaskGroup { group in
                    group.addTask { [continuation] in
                        while !Task.isCancelled {
                            try? await Task.sleep(for: .seconds(1))
                            if case .terminated = continuation.yield(.tick) { return }
                        }
                    }
                    for await input in inputs {
                        switch input {
                        case .alert(let alert): stepSink.yield(.record(announce(alert)))
                        case .resolveUnknownRules(let alerts, let atMillis, let reason):
                            stepSink.yield(.resolveUnknownRules(alerts, atMillis: atMillis, reason: reason))
                        case .tick: stepSink.yield(.retry)
                        case .command(let record): stepSink.yield(.command(record))
                        case .adopt(let alerts):
                            announceAdopted(alerts)
                            stepSink.yield(.adopt(alerts))
                            // The other edge's flood counts did not come with its alarms: its flood alarms end here.
                            let floods = alerts.filter { Self.endsWithProcess(rule: $0.rule, body: Array($0.notification.utf8)) }
                            if !floods.isEmpty {
                                stepSink.yield(.resolveUnknownRules(floods.map(\.activeAlert), atMillis: WallClock.millis(), reason: Self.floodEndedReason))
                            }
                        }
                    }
                    group.cancelAll()
                }
                stepSink.finish()  // the recording stage ends once it has done everything before this
            }
        } onGracefulShutdown: { [continuation] in
            continuation.finish()  // what was yielded before is still handled
        }
        let left = unrecorded.withLock { $0.count }
        if left > 0 {
            logger.error("alert notifications could not be written before shutdown (alerts.db not writable)", metadata: ["count": "\(left)"])
            metrics.alertsDropped.increment(by: Int64(left))
        }
    }

    /// Retries, in order, what could not be recorded.
    private func retryUnwritten() async {
        while let first = unrecorded.withLock({ $0.first }) {
            guard await record(first) else { return }
            unrecorded.withLock { _ = $0.removeFirst() }
            if unrecorded.withLock({ $0.isEmpty }) { logger.notice("alerts.db writable again: the alert notifications kept in memory are recorded") }
        }
    }

    /// The recording stage's work, in the order the inputs came.
    private enum RecordStep: Sendable {
        case record(Unrecorded)
        case resolveUnknownRules([ActiveAlert], atMillis: Int64, reason: String)
        case retry
        case command(CommandAttempt)
        case adopt([HandedOverAlert])
    }

    /// What needs no disk, done as the alert arrives: the in-memory view, the metrics, the log
    /// line and the first webhook attempt, which starts beside the record's fsync rather than
    /// after it (the outbox row written next is what retries).
    private func announce(_ alert: EdgeAlert) -> Unrecorded {
        var alert = alert
        var receivers: [String] = []
        for case .webhook(let receiver) in alert.event.actions where !receivers.contains(receiver) { receivers.append(receiver) }
        if let silenced = alert.silenced {
            // Recorded and forwarded (the core shows it), not sent to anyone.
            alert.event.annotations[Self.silencedAnnotation] = RuleStage.describe(silenced)
            receivers = []
        }
        let event = alert.event
        let body = AlertNotification.body(alert, edge: edge)
        var activeReceivers = receivers
        snapshot.withLock { firing in
            if event.kind == .resolved {
                // Only receivers that heard it fire hear it resolve.
                if let heard = firing[event.alertID]?.receivers { receivers = heard }
                firing[event.alertID] = nil
            } else {
                // A repeat while shelved goes to nobody; those that heard the firing keep waiting for the resolve.
                if event.kind == .repeat, alert.silenced != nil, let heard = firing[event.alertID]?.receivers { activeReceivers = heard }
                firing[event.alertID] = Firing(
                    body: body, severity: event.severity.rawValue, isSystem: SystemAlert.isSystem(rule: event.rule),
                    receivers: activeReceivers)
            }
        }
        metrics.alertTransitions[event.kind]?.increment()
        updateGauges()
        logger.notice("alert \(event.kind.rawValue)", metadata: [
            "rule": "\(event.rule)", "severity": "\(event.severity.rawValue)",
            "where": "\(event.site)/\(event.line)/\(event.device)\(event.sensor.isEmpty ? "" : "/" + event.sensor)",
            "value": "\(event.value)", "alert": "\(event.alertID)",
        ])
        if !SystemAlert.isSystem(rule: event.rule) { handover?.announced(event, body: body, receivers: activeReceivers) }
        if let dispatcher, !receivers.isEmpty {
            dispatcher.express(
                receivers: receivers, id: AlertNotification.webhookID(event), body: body, createdAtMillis: WallClock.millis(),
                priority: alert.priority)
        }
        return Unrecorded(alert: alert, body: body, receivers: receivers, activeReceivers: activeReceivers)
    }

    /// Records an announced alert, or keeps it in memory (in order) while `alerts.db` cannot be written.
    private func keep(_ item: Unrecorded) async {
        let event = item.alert.event
        // Behind earlier notifications that are still waiting: order is kept per alert.
        if unrecorded.withLock({ $0.isEmpty }), await record(item) { return }
        let kept = unrecorded.withLock { waiting in
            guard waiting.count < Self.maxUnrecorded else { return false }
            waiting.append(item)
            return true
        }
        if !kept {
            metrics.alertsDropped.increment()
            logger.critical("alert notification dropped: alerts.db is not writable and \(Self.maxUnrecorded) are already waiting in memory",
                            metadata: ["alert": "\(event.alertID)", "rule": "\(event.rule)"])
        }
    }

    /// Records one notification with its outbox rows; false (logged, counted) when `alerts.db`
    /// cannot be written.
    private func record(_ item: Unrecorded) async -> Bool {
        do {
            _ = try store.withLock { try $0.record(item.alert, body: item.body, receivers: item.receivers, activeReceivers: item.activeReceivers) }
        } catch {
            if unrecorded.withLock({ $0.isEmpty }) {
                logger.error("cannot record an alert: kept in memory and retried every second",
                             metadata: ["alert": "\(item.alert.event.alertID)", "error": "\(error)"])
            }
            metrics.alertStoreErrors.increment()
            return false
        }
        recorded?.signal()
        if !item.receivers.isEmpty { dispatcher?.notify() }
        purgeLogIfDue()
        return true
    }

    /// At most hourly, on a new notification: old rows leave the log so `alerts.db` stays small.
    private func purgeLogIfDue() {
        let now = WallClock.millis()
        guard now - lastPurgeMillis.load(ordering: .relaxed) >= 3_600_000 else { return }
        lastPurgeMillis.store(now, ordering: .relaxed)
        do {
            let purged = try store.withLock { try $0.purge(olderThan: now - logRetentionMillis, requireForwarded: forwardsToCore) }
            if purged > 0 { logger.info("purged old alert notifications", metadata: ["rows": "\(purged)"]) }
        } catch {
            logger.warning("cannot purge old alert notifications", metadata: ["error": "\(error)"])
        }
    }

    /// Resolves firing alerts whose rule is gone, from their recorded notification (the rule
    /// engine resolves those of rules it had; these it never had), so nothing stays firing forever.
    private func resolveUnknownRules(_ alerts: [ActiveAlert], atMillis: Int64, reason: String) {
        let keys = Set(alerts.map { [$0.rule, $0.site, $0.line, $0.device, $0.sensor] })
        let orphans = ((try? store.withLock { try $0.active() }) ?? []).filter {
            let a = $0.alert
            return keys.contains([a.rule, a.site, a.line, a.device, a.sensor])
        }
        for orphan in orphans {
            guard var notice = try? AlertCodec.decodeNotice(orphan.body) else { continue }
            notice.kind = .resolved
            notice.atMillis = atMillis
            notice.alert.endedAtMillis = atMillis
            notice.alert.annotations[RuleEngine.resolvedByAnnotation] = reason
            let body = AlertCodec.encode(notice)
            do {
                _ = try store.withLock { try $0.recordResolved(orphan, webhookID: notice.webhookID, body: body, atMillis: atMillis) }
                snapshot.withLock { $0[orphan.alertID] = nil }
                handover?.cleared(alertID: orphan.alertID)
                recorded?.signal()
                if !orphan.receivers.isEmpty { dispatcher?.notify() }
                logger.notice("alert resolved from its record", metadata: ["rule": "\(orphan.alert.rule)", "alert": "\(orphan.alertID)", "why": "\(reason)"])
            } catch {
                logger.error("cannot resolve an alert from its record", metadata: ["alert": "\(orphan.alertID)", "error": "\(error)"])
            }
        }
        updateGauges()
    }

    /// The in-memory view of an adoption: the adopted alerts replace this edge's rule alerts.
    private func announceAdopted(_ alerts: [HandedOverAlert]) {
        snapshot.withLock { current in
            current = current.filter { $0.value.isSystem }
            for alert in alerts where !SystemAlert.isSystem(rule: alert.rule) {
                current[alert.alertID] = Firing(
                    body: Array(alert.notification.utf8), severity: alert.severity, isSystem: false, receivers: alert.receivers)
            }
        }
        updateGauges()
        logger.notice("took over the site's firing alerts", metadata: [
            "alerts": "\(alerts.count)", "ids": "\(alerts.prefix(20).map(\.alertID).joined(separator: ","))"])
    }

    /// The durable side of an adoption (recording stage, in order with the notifications).
    private func recordAdopted(_ alerts: [HandedOverAlert]) {
        do {
            try store.withLock { try $0.replaceActive(with: alerts) }
        } catch {
            // The engine has them: they resolve once as usual; only a restart before that would forget them.
            metrics.alertStoreErrors.increment()
            logger.error("cannot record the alerts taken over", metadata: ["error": "\(error)"])
        }
    }

    private func updateGauges() {
        // The severity is kept next to each body: no JSON is decoded to count.
        let bySeverity = snapshot.withLock { Dictionary($0.values.map { ($0.severity, 1) }, uniquingKeysWith: +) }
        for severity in Severity.allCases {
            metrics.alertsFiring[severity]?.record(bySeverity[severity.rawValue] ?? 0)
        }
    }
}
