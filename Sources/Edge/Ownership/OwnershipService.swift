import Clocks
import Foundation
import Logging
import MQTT
import Ownership
import ServiceLifecycle
import Synchronization

/// The I/O shell of ``Ownership/SiteOwnership`` for an edge of an active/standby pair.
///
/// Keeps this edge's own MQTT connection (its thread), where it watches and claims the site's
/// owner record and sees the active's heartbeats; holds the session connection (the ingest
/// client) until this edge wins a claim, then releases it with the epoch's will; publishes the
/// heartbeat from the ingest thread while active and turns the broker's acknowledgements into
/// the lease behind ``OwnershipGate``. The machine and every action run under one lock: each
/// action only queues (a publish, a flag, a will), so no I/O happens while it is held.
final class OwnershipService: Service, Sendable {
    private let machine: Mutex<SiteOwnership>
    private let control: MQTTClient
    private let session: MQTTClient
    let gate: OwnershipGate
    private let site: String
    private let edgeID: String
    private let metrics: EdgeMetrics
    private let health: EdgeHealth
    private let logger: Logger
    private let ownerTopic: String
    private let heartbeatTopic: String
    private let beats = Mutex(HeartbeatLog())
    /// The release published on stop, acknowledged.
    private let releaseMid = Atomic<Int32>(-1)
    private let releaseAcknowledged = Atomic<Bool>(false)
    private let badRecords = Atomic<Int>(0)
    private let heartbeatIntervalNanos: UInt64
    /// The firing alerts left by the active, adopted when this edge takes the session.
    let handover: AlertHandover
    /// Set when this edge was given the session (a claim won): the handed-over alerts are
    /// adopted when the session connects, before its first message.
    private let adoptOnConnect = Atomic<Bool>(false)

    /// Heartbeats in flight: their mid and when they left (ingest thread; a lock for Sendable).
    private struct HeartbeatLog {
        var lastSentNanos: UInt64 = 0
        var inFlight: [(mid: Int32, sentNanos: UInt64)] = []
    }

    init(
        configuration: OwnershipConfiguration, site: String, edgeID: String, session: MQTTClient, gate: OwnershipGate,
        handover: AlertHandover, metrics: EdgeMetrics, health: EdgeHealth, logger: Logger
    ) throws(MQTTError) {
        self.handover = handover
        self.health = health
        control = try MQTTClient(configuration: configuration.control, logger: logger)
        machine = Mutex(SiteOwnership(edge: edgeID, settings: configuration.settings))
        self.session = session
        self.gate = gate
        self.site = site
        self.edgeID = edgeID
        self.metrics = metrics
        self.logger = logger
        heartbeatIntervalNanos = configuration.settings.heartbeatIntervalNanos
        ownerTopic = OwnerRecord.topic(site: site)
        heartbeatTopic = OwnerRecord.heartbeatTopic(site: site)
        // Nobody's session until a claim is won.
        session.setHeld(true)
        metrics.edgeActive.record(0)
        health.update {
            $0.ownershipRole = "observing"
            $0.standingBy = true
        }
    }

    func run() async throws {
        let control = self.control
        await withTaskCancellationOrGracefulShutdownHandler(operation: { [self] in
            await DedicatedThread.run(name: "haetae-ownership") { [self] in
                // Made on the loop's thread, used only there.
                control.run(handler: ControlHandler(service: self), pollInterval: .milliseconds(20))
            }
        }, onCancelOrGracefulShutdown: { [self] in
            // The ingest service stopped before this one (its session closed cleanly, every
            // PUBACK written): release the epoch so a standby takes over at once.
            let released = update { $0.stop() }
            if released {
                for _ in 0..<200 where !releaseAcknowledged.load(ordering: .acquiring) { usleep(10_000) }
                logger.notice("released the site's session for the standby", metadata: [
                    "acknowledged": "\(releaseAcknowledged.load(ordering: .acquiring))"])
            }
            control.requestStop()
        })
    }

    // MARK: Events

    /// Runs one event on the machine and carries out its actions, all under the lock.
    /// - Returns: whether a release was published.
    @discardableResult
    private func update(_ event: (inout SiteOwnership) -> [SiteOwnership.Action]) -> Bool {
        machine.withLock { machine in
            let before = machine.role
            let actions = event(&machine)
            var released = false
            for action in actions {
                switch action {
                case .publish(let record):
                    do {
                        let mid = try control.publish(topic: ownerTopic, payload: OwnerRecordCodec.encode(record), qos: 1, retain: true)
                        if record.state == .released && record.edge == edgeID {
                            releaseMid.store(mid, ordering: .releasing)
                            released = true
                        }
                    } catch {
                        logger.error("could not publish the owner record", metadata: ["record": "\(record)", "error": "\(error)"])
                    }
                case .openSession(let will):
                    session.setWill(MQTTWill(topic: ownerTopic, payload: OwnerRecordCodec.encode(will), qos: 1, retain: true))
                    adoptOnConnect.store(true, ordering: .releasing)
                    session.setHeld(false)
                    metrics.ownershipTakeovers.increment()
                case .closeSession:
                    session.setHeld(true)
                case .refreshOwnerRecord:
                    // Reconnecting subscribes again, and the broker sends the retained record.
                    control.dropConnection()
                }
            }
            // 0: standby; 1: active without a lease yet (may not act); else the lease's end.
            gate.update(leaseUntilNanos: machine.isActive ? max(1, machine.leaseUntilNanos) : 0)
            if case .active(let epoch) = machine.role { handover.holding(epoch: epoch) } else { handover.holding(epoch: 0) }
            if machine.role != before {
                let role = machine.role.description
                let standingBy = !machine.isActive
                health.update {
                    $0.ownershipRole = role
                    $0.standingBy = standingBy
                }
                logger.notice("site ownership: \(machine.role)", metadata: ["site": "\(site)", "was": "\(before)"])
                metrics.edgeActive.record(machine.isActive ? 1 : 0)
                if let epoch = machine.known?.epoch { metrics.ownershipEpoch.record(Double(epoch)) }
            }
            return released
        }
    }

    fileprivate func controlConnection(_ state: MQTTConnectionState) {
        let now = MonotonicClock.nanos()
        health.update { $0.ownConnectionUp = state == .connected }
        if state == .connected {
            update { $0.controlSubscribed(nowNanos: now) }
        } else {
            update { machine in
                machine.controlLost()
                return []
            }
        }
    }

    fileprivate func controlMessage(topic: String, payload: UnsafeRawBufferPointer) {
        guard topic == ownerTopic || topic == heartbeatTopic else {
            handover.received(topic: topic, payload: payload)
            return
        }
        guard !payload.isEmpty else { return }  // a cleared retained record
        let record: OwnerRecord
        do {
            record = try OwnerRecordCodec.decode(payload)
        } catch {
            // Anyone with the right to publish there could send anything: never taken, counted, said.
            metrics.ownershipBadRecords.increment()
            if badRecords.add(1, ordering: .relaxed).newValue <= 10 {
                logger.warning("ignored a bad owner record", metadata: ["topic": "\(topic)", "error": "\(error)"])
            }
            return
        }
        let now = MonotonicClock.nanos()
        if topic == ownerTopic {
            update { $0.received(record, nowNanos: now) }
        } else if topic == heartbeatTopic {
            update { $0.heartbeatSeen(record, nowNanos: now) }
        }
    }

    fileprivate func controlTick(nowNanos: UInt64) {
        update { $0.tick(nowNanos: nowNanos) }
    }

    fileprivate func controlPublished(mid: Int32) {
        if mid == releaseMid.load(ordering: .acquiring) { releaseAcknowledged.store(true, ordering: .releasing) }
    }

    // MARK: Session hooks (ingest thread)

    /// The session connection came up or went down.
    /// - Returns: what to adopt when this connection is a takeover's first (see ``AlertHandover``).
    func sessionStateChanged(_ state: MQTTConnectionState) -> HandedOverState? {
        let now = MonotonicClock.nanos()
        switch state {
        case .connected:
            update { $0.sessionDidConnect(nowNanos: now) }
            guard adoptOnConnect.exchange(false, ordering: .acquiringAndReleasing) else { return nil }
            return handover.adoptable()
        case .disconnected: update { $0.sessionDidDisconnect(nowNanos: now) }
        case .connecting: break
        }
        return nil
    }

    /// Every idle pass of the ingest loop: the heartbeat when due, the lease's expiry.
    func ingestIdle(nowNanos now: UInt64) {
        let due: OwnerRecord? = machine.withLock { machine in
            guard machine.isActive, machine.sessionConnected, case .active(let epoch) = machine.role else { return nil }
            return OwnerRecord(edge: edgeID, epoch: epoch, state: .active)
        }
        beats.withLock { log in
            guard let due, now &- log.lastSentNanos >= heartbeatIntervalNanos else { return }
            log.lastSentNanos = now
            do {
                let mid = try session.publish(topic: heartbeatTopic, payload: OwnerRecordCodec.encode(due), qos: 1)
                log.inFlight.append((mid, now))
                // At most a few dozen: a heartbeat the broker never acknowledges is not waited for.
                if log.inFlight.count > 64 { log.inFlight.removeFirst(log.inFlight.count - 64) }
            } catch {
                logger.warning("could not publish the heartbeat", metadata: ["error": "\(error)"])
            }
        }
    }

    /// A QoS 1 publish on the session connection was acknowledged.
    func sessionPublished(mid: Int32) {
        let sent: UInt64? = beats.withLock { log in
            guard let index = log.inFlight.firstIndex(where: { $0.mid == mid }) else { return nil }
            return log.inFlight.remove(at: index).sentNanos
        }
        guard let sent else { return }
        update { machine in
            machine.heartbeatAcknowledged(sentNanos: sent)
            return []
        }
    }
}

/// This edge's own connection: the owner record and the heartbeats (its loop thread).
private final class ControlHandler: MQTTMessageHandler {
    private let service: OwnershipService
    private var lastTickNanos: UInt64 = 0

    init(service: OwnershipService) {
        self.service = service
    }

    func handleMessage(topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, qos: Int, retained: Bool) {
        service.controlMessage(topic: String(decoding: topic, as: UTF8.self), payload: payload)
    }

    func handleConnectionState(_ state: MQTTConnectionState) {
        service.controlConnection(state)
    }

    func handleIdle(nowNanos: UInt64) {
        guard nowNanos &- lastTickNanos >= 20_000_000 else { return }
        lastTickNanos = nowNanos
        service.controlTick(nowNanos: nowNanos)
    }

    func handlePublishAcknowledged(mid: Int32) {
        service.controlPublished(mid: mid)
    }
}
