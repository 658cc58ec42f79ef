import Clocks
import Dispatch
import Logging
import MQTT
import Ownership
import Rules
import Synchronization

/// Hands the firing alerts of a site's active edge, and the series its `absent` rules watch, to
/// the edge that takes its session next.
///
/// The active publishes each alert it fires (and each repeat) as a retained
/// ``Ownership/HandedOverAlert`` on `haetae/<site>/alerts/<alert id>`, on the session
/// connection, and clears it when the alert resolves; only while it may act, so a process that
/// lost the session publishes nothing. Every edge of the pair follows those topics on its own
/// connection (``Ownership/AlertHandoverShadow``). The edge that wins the session takes the
/// records before its first reading and adopts them: it does not fire them again and resolves
/// each once, with the same alert id, when its condition clears. The watch
/// (``Ownership/HandedOverWatch``) goes the same way: every few seconds the changes since the
/// last full record, a full one at a takeover and when the changes have grown (``Ownership/WatchRecordSchedule``).
final class AlertHandover: Sendable {
    private let shadow = Mutex(AlertHandoverShadow())
    /// The latest full watch record seen (any edge's, the newest epoch) and the latest changes.
    private let watch = Mutex<(full: HandedOverWatch?, changes: HandedOverWatch?)>((nil, nil))
    /// Full record or changes: used on `watchQueue` only.
    private let watchSchedule = Mutex(WatchRecordSchedule())
    /// Encodes and publishes the watch off the ingest thread (100,000 series take a while).
    private let watchQueue = DispatchQueue(label: "haetae-watch-handover")
    private let session: MQTTClient
    private let gate: OwnershipGate
    private let site: String
    private let edgeID: String
    private let metrics: EdgeMetrics
    private let logger: Logger
    /// The epoch this edge holds the session under; 0 while it does not.
    private let epoch = Atomic<UInt64>(0)
    private let refusals = Atomic<Int>(0)

    init(site: String, edgeID: String, session: MQTTClient, gate: OwnershipGate, metrics: EdgeMetrics, logger: Logger) {
        self.site = site
        self.edgeID = edgeID
        self.session = session
        self.gate = gate
        self.metrics = metrics
        self.logger = logger
    }

    /// The ownership service: this edge holds the session under `epoch` (0: it does not).
    func holding(epoch: UInt64) {
        self.epoch.store(epoch, ordering: .releasing)
    }

    // MARK: The active (the alert service's thread)

    /// A rule alert was announced: its record is published (firing, repeat) or cleared (resolved).
    func announced(_ event: AlertEvent, body: [UInt8], receivers: [String]) {
        let record: HandedOverAlert?
        switch event.kind {
        case .firing, .repeat:
            record = HandedOverAlert(
                epoch: 0, edge: edgeID, alertID: event.alertID, rule: event.rule, site: event.site, line: event.line,
                device: event.device, sensor: event.sensor, sinceMillis: event.startedAtMillis,
                value: event.value.isFinite ? event.value : nil, lastNotifiedMillis: event.atMillis,
                severity: event.severity.rawValue, receivers: receivers, notification: String(decoding: body, as: UTF8.self))
        case .resolved:
            record = nil
        }
        publish(alertID: event.alertID, record)
    }

    /// An alert resolved outside the rule engine (its rule was removed): its record is cleared.
    func cleared(alertID: String) {
        publish(alertID: alertID, nil)
    }

    private func publish(alertID: String, _ record: HandedOverAlert?) {
        let epoch = self.epoch.load(ordering: .acquiring)
        // Only while this edge holds the session with a lease: what a process that lost it
        // publishes would overwrite what the new active knows.
        guard epoch > 0, gate.mayAct(nowNanos: MonotonicClock.nanos()) else { return }
        var payload: [UInt8] = []
        if var record {
            record.epoch = epoch
            payload = HandedOverAlertCodec.encode(record)
            guard payload.count <= HandedOverAlertCodec.maxBytes else {
                refused("too large to hand over (\(payload.count) bytes)", alertID: alertID)
                return
            }
        }
        do {
            try session.publish(topic: HandedOverAlert.topic(site: site, alertID: alertID), payload: payload, qos: 1, retain: true)
        } catch {
            refused("could not publish: \(error)", alertID: alertID)
        }
    }

    /// The active's watched series (ingest thread): encoded and published off that thread.
    func publish(watched series: [HandedOverWatch.Series]) {
        let epoch = self.epoch.load(ordering: .acquiring)
        guard epoch > 0, gate.mayAct(nowNanos: MonotonicClock.nanos()) else { return }
        watchQueue.async { [self] in
            var kept = series
            if kept.count > HandedOverWatchCodec.maxSeries {
                // The longest silent first: those are the ones a new active must not lose.
                kept.sort { $0.lastSeenMillis < $1.lastSeenMillis }
                kept.removeLast(kept.count - HandedOverWatchCodec.maxSeries)
                refused("\(series.count - HandedOverWatchCodec.maxSeries) watched series beyond the bound", alertID: "watch")
            }
            let record = watchSchedule.withLock {
                $0.record(epoch: epoch, edge: edgeID, nowMillis: WallClock.millis(), watched: kept)
            }
            let topic = record.baseAtMillis == nil ? HandedOverWatch.topic(site: site) : HandedOverWatch.changesTopic(site: site)
            do {
                try session.publish(topic: topic, payload: HandedOverWatchCodec.encode(record), qos: 1, retain: true)
            } catch {
                // Changes without the full record they build on would be ignored: start over.
                watchSchedule.withLock { $0.reset() }
                refused("could not publish the watch: \(error)", alertID: "watch")
            }
        }
    }

    // MARK: Every edge of the pair (its own connection's thread)

    /// A message on one of the site's alert topics or its watch topic.
    func received(topic: String, payload: UnsafeRawBufferPointer) {
        if topic == HandedOverWatch.topic(site: site) || topic == HandedOverWatch.changesTopic(site: site) {
            receivedWatch(payload)
            return
        }
        guard let alertID = HandedOverAlert.alertID(inTopic: topic, site: site) else {
            refused("not an alert topic", alertID: topic)
            return
        }
        let outcome = shadow.withLock { $0.received(alertID: alertID, payload: payload) }
        switch outcome {
        case .kept, .cleared, .older: break
        case .full: refused("the standby's bound of alerts is reached", alertID: alertID)
        case .bad(let error): refused("\(error)", alertID: alertID)
        }
    }

    private func receivedWatch(_ payload: UnsafeRawBufferPointer) {
        guard !payload.isEmpty else { return }
        do {
            let record = try HandedOverWatchCodec.decode(payload)
            watch.withLock { current in
                if record.baseAtMillis == nil {
                    if (current.full?.epoch ?? 0) <= record.epoch { current.full = record }
                } else if let changes = current.changes, (changes.epoch, changes.atMillis) > (record.epoch, record.atMillis) {
                    return  // a late resend of older changes
                } else {
                    current.changes = record
                }
            }
        } catch {
            refused("\(error)", alertID: "watch")
        }
    }

    // MARK: Taking over (the ingest thread, at the session's connection)

    /// What to adopt: the alerts, as the rule engine restores them, and the watched series.
    func adoptable() -> HandedOverState {
        let (full, changes) = watch.withLock { $0 }
        // The changes apply only to the full record they were made on; without them (made on a
        // full record not seen here, or none yet) the full record is the latest known state.
        let latest = full.map { full in changes.flatMap { full.applying($0) } ?? full }
        return HandedOverState(alerts: shadow.withLock { $0.alerts }, watch: latest)
    }

    private func refused(_ reason: String, alertID: String) {
        metrics.alertsNotHandedOver.increment()
        if refusals.add(1, ordering: .relaxed).newValue <= 20 {
            logger.warning("an alert record was not handed over", metadata: ["alert": "\(alertID.prefix(200))", "reason": "\(reason)"])
        }
    }
}

extension HandedOverAlert {
    /// As the rule engine restores it.
    var activeAlert: ActiveAlert {
        ActiveAlert(
            rule: rule, site: site, line: line, device: device, sensor: sensor, state: .firing, sinceMillis: sinceMillis,
            value: value ?? .nan, lastNotifiedMillis: lastNotifiedMillis)
    }
}
