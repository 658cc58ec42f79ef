/// Which edge of a site holds the site's MQTT session: the election, without I/O.
///
/// Every edge of a site keeps its own MQTT connection subscribed to the site's
/// ``OwnerRecord`` topic and feeds what it sees here, in order. The rules:
/// - An edge opens the session connection only right after winning a claim: it published
///   `active(self, e)` for an epoch `e` above every epoch it knows, and that record was the first
///   `active` record of `e` it saw. Every subscriber sees the topic's messages in one order, so
///   every edge agrees on the winner; a session is never reopened under an old epoch, so two
///   edges cannot take the session from each other in turns.
/// - The session connection's will is `released(self, e)`. When the broker loses it (the process
///   died, the node is gone, it stopped answering for 1.5 × keepalive) the will tells the others
///   that `e` is over, and they claim `e + 1`. The broker allows one connection per client id, so a
///   new holder's connect also closes whatever is left of the old one.
/// - An edge that sees a higher epoch than its own steps down at once and never reconnects.
/// - The active publishes a heartbeat (``OwnerRecord`` `active(self, e)`, not retained) on the
///   session connection; a standby that sees none for ``OwnershipSettings/heartbeatTimeoutNanos``
///   claims `e + 1`, as after a release (a node that vanished without closing its connections).
/// - An edge acts (alerts, stop commands) only while it holds a lease: a heartbeat it published
///   was acknowledged by the broker less than ``OwnershipSettings/leaseNanos`` after it left,
///   shorter than the standbys' timeout. A frozen process that wakes up has no lease and does
///   nothing until it knows.
///
/// Actions are carried out in order by the I/O shell; ``Action/closeSession`` completes (the
/// session connection is closed, its last PUBACKs written) before the next action starts.
/// Times are nanoseconds on the shell's monotonic clock.
public struct SiteOwnership: Sendable {
    public enum Role: Equatable, Sendable, CustomStringConvertible {
        /// Learning the current record (after start, after losing the session or the own
        /// connection).
        case observing
        /// Another edge holds the session (or is believed to).
        case standby(owner: String)
        /// Published a claim for `epoch`; waiting to see whose claim came first.
        case claiming(epoch: UInt64)
        /// Holds (or is opening) the session for `epoch`.
        case active(epoch: UInt64)
        /// Stopped: released the session, claims nothing.
        case stopped

        public var description: String {
            switch self {
            case .observing: "observing"
            case .standby(let owner): "standby (active: \(owner))"
            case .claiming(let epoch): "claiming epoch \(epoch)"
            case .active(let epoch): "active (epoch \(epoch))"
            case .stopped: "stopped"
            }
        }
    }

    public enum Action: Equatable, Sendable {
        /// Publish on the edge's own connection: retained, QoS 1.
        case publish(OwnerRecord)
        /// Connect the session connection (persistent session, the site's client id) with this
        /// will (retained, QoS 1), and keep it connected.
        case openSession(will: OwnerRecord)
        /// Close the session connection cleanly and do not reconnect it.
        case closeSession
        /// Subscribe to the owner topic again on the own connection (the broker sends the retained
        /// record again) and report ``SiteOwnership/controlSubscribed(nowNanos:)`` at the SUBACK:
        /// what this edge knew may be stale (it may have been frozen).
        case refreshOwnerRecord
    }

    public let edge: String
    public let settings: OwnershipSettings
    public private(set) var role: Role = .observing
    /// The site's record as this edge understands it: the highest epoch seen, the first claim of
    /// an epoch, and whether that epoch was released.
    public private(set) var known: OwnerRecord?
    /// Whether the session connection is up (CONNACK seen, not lost since).
    public private(set) var sessionConnected = false

    /// When the own connection last subscribed to the owner topic; nil while it is down.
    private var subscribedAt: UInt64?
    /// Whether a record arrived since that subscription (the retained one, if any).
    private var heardSinceSubscribe = false
    private var claimedAt: UInt64 = 0
    /// When the session was opened (or lost) and has not connected since.
    private var sessionWaitingSince: UInt64?
    /// No claim before this: after giving up a session this edge could not connect.
    private var noClaimBefore: UInt64 = 0
    private var leaseUntil: UInt64 = 0
    /// When this standby last saw the active's heartbeat (or started watching for it).
    private var ownerHeardAt: UInt64 = 0
    /// How long the owner may stay silent from `ownerHeardAt`: the heartbeat timeout, doubled
    /// until its first heartbeat when this edge started watching it without having heard it (see
    /// `decide`).
    private var ownerTimeoutNanos: UInt64 = 0
    /// The latest time an event carried (for `apply`, which has none of its own).
    private var lastNow: UInt64 = 0

    /// How long an active edge may fail to connect its session before it releases the epoch and
    /// lets another edge try.
    public static let sessionConnectTimeoutNanos: UInt64 = 10_000_000_000
    /// How long an edge that gave up a session waits before it claims again.
    public static let giveUpBackoffNanos: UInt64 = 5_000_000_000

    public init(edge: String, settings: OwnershipSettings = OwnershipSettings()) {
        self.edge = edge
        self.settings = settings
    }

    /// Whether this edge holds the session, connected, with a valid lease: it may send alerts
    /// and stop commands.
    public func mayAct(nowNanos now: UInt64) -> Bool {
        guard case .active = role else { return false }
        return sessionConnected && now < leaseUntil
    }

    /// Whether this edge is the active one (holds or is opening the session).
    public var isActive: Bool {
        if case .active = role { return true }
        return false
    }

    /// Until when actions are allowed (0: not now); the shell publishes it to other threads.
    public var leaseUntilNanos: UInt64 { isActive && sessionConnected ? leaseUntil : 0 }

    // MARK: Events

    /// The own connection (re)subscribed to the owner topic: knowledge is fresh from here on
    /// (once the retained record had time to arrive).
    public mutating func controlSubscribed(nowNanos now: UInt64) -> [Action] {
        subscribedAt = now
        heardSinceSubscribe = false
        switch role {
        case .standby, .claiming: role = .observing
        case .observing, .active, .stopped: break
        }
        return []
    }

    /// The own connection is down: nothing seen until it is back can be trusted to be current.
    public mutating func controlLost() {
        subscribedAt = nil
    }

    /// A record arrived on the owner topic (in the broker's order).
    public mutating func received(_ record: OwnerRecord, nowNanos now: UInt64) -> [Action] {
        guard role != .stopped else { return [] }
        lastNow = now
        heardSinceSubscribe = true
        apply(record)
        var actions: [Action] = []
        if case .active(let epoch) = role, record.epoch <= epoch, !isOwnClaimOrRelease(record, epoch: epoch) {
            // A losing claim or a stale record became the retained value: say again who holds it.
            actions.append(.publish(OwnerRecord(edge: edge, epoch: epoch, state: .active)))
        }
        return actions + decide(nowNanos: now)
    }

    /// A heartbeat arrived on the heartbeat topic (``OwnerRecord/heartbeatTopic(site:)``).
    public mutating func heartbeatSeen(_ record: OwnerRecord, nowNanos now: UInt64) -> [Action] {
        guard role != .stopped, record.state == .active, record.edge != edge else { return [] }
        if let current = known, current.epoch == record.epoch, current.edge == record.edge, current.state == .active {
            ownerHeardAt = now
            ownerTimeoutNanos = settings.heartbeatTimeoutNanos
            return []
        }
        if (known?.epoch ?? 0) < record.epoch {
            // An owner whose claim we missed (we subscribed after it): the heartbeat says enough.
            return received(record, nowNanos: now)
        }
        return []
    }

    /// The session connection is connected (CONNACK).
    public mutating func sessionDidConnect(nowNanos now: UInt64) -> [Action] {
        sessionConnected = true
        sessionWaitingSince = nil
        return []
    }

    /// The session connection was lost (not closed by ``Action/closeSession``).
    public mutating func sessionDidDisconnect(nowNanos now: UInt64) -> [Action] {
        let wasConnected = sessionConnected
        sessionConnected = false
        leaseUntil = 0
        guard case .active = role, wasConnected else { return [] }
        // Hold the session; look again, with what the broker holds now (this edge may have been
        // frozen for longer than its will took). Reopening needs a new claim: the broker may have
        // published our will and a standby may be claiming the next epoch right now.
        role = .observing
        sessionWaitingSince = nil
        subscribedAt = nil
        return [.closeSession, .refreshOwnerRecord]
    }

    /// A heartbeat published on the session connection at `sentNanos` was acknowledged.
    public mutating func heartbeatAcknowledged(sentNanos: UInt64) {
        guard case .active = role, sessionConnected else { return }
        leaseUntil = max(leaseUntil, sentNanos &+ settings.leaseNanos)
    }

    /// Timers: the settle time, a claim's timeout, a session that does not connect.
    public mutating func tick(nowNanos now: UInt64) -> [Action] {
        guard role != .stopped else { return [] }
        if case .active(let epoch) = role, let since = sessionWaitingSince, now &- since >= Self.sessionConnectTimeoutNanos {
            // Could not reach the session (refused, broken identity): let another edge try.
            role = .observing
            sessionWaitingSince = nil
            noClaimBefore = now &+ Self.giveUpBackoffNanos
            return [.closeSession, .publish(OwnerRecord(edge: edge, epoch: epoch, state: .released))]
        }
        return decide(nowNanos: now)
    }

    /// The edge is stopping: an active edge closes its session (its last PUBACKs written) and
    /// then releases the epoch, so a standby takes over at once with nothing lost.
    public mutating func stop() -> [Action] {
        defer { role = .stopped }
        guard case .active(let epoch) = role else { return [] }
        sessionConnected = false
        leaseUntil = 0
        return [.closeSession, .publish(OwnerRecord(edge: edge, epoch: epoch, state: .released))]
    }

    // MARK: Decisions

    private func isFresh(nowNanos now: UInt64) -> Bool {
        guard let since = subscribedAt else { return false }
        return now &- since >= settings.settleNanos || heardSinceSubscribe
    }

    private func isOwnClaimOrRelease(_ record: OwnerRecord, epoch: UInt64) -> Bool {
        record.epoch == epoch && (record.state == .released || record.edge == edge)
    }

    /// Folds a record into `known`: a higher epoch replaces it; a release ends its epoch;
    /// anything else (a later claim of the same epoch, an older record) changes nothing.
    private mutating func apply(_ record: OwnerRecord) {
        guard let current = known else {
            known = record
            ownerHeardAt = lastNow
            ownerTimeoutNanos = settings.heartbeatTimeoutNanos
            return
        }
        if record.epoch > current.epoch {
            known = record
            ownerHeardAt = lastNow
            ownerTimeoutNanos = settings.heartbeatTimeoutNanos
        } else if record.epoch == current.epoch, record.state == .released, current.state == .active {
            known = record
        }
    }

    /// Another edge holds `current` (stand by, watching for its heartbeat from now, one
    /// timeout: it has just claimed or is known to be alive), or its epoch was released (look).
    private mutating func becomeStandbyOrObserve(_ current: OwnerRecord, nowNanos now: UInt64) {
        guard current.state == .active else {
            role = .observing
            return
        }
        role = .standby(owner: current.edge)
        ownerHeardAt = now
        ownerTimeoutNanos = settings.heartbeatTimeoutNanos
    }

    private mutating func decide(nowNanos now: UInt64) -> [Action] {
        lastNow = now
        switch role {
        case .stopped:
            return []
        case .active(let epoch):
            guard let current = known else { return [] }
            if current.epoch > epoch || (current.epoch == epoch && current.state == .released) {
                // Another edge won a later epoch, or the broker published our will: not ours now.
                sessionConnected = false
                leaseUntil = 0
                sessionWaitingSince = nil
                becomeStandbyOrObserve(current, nowNanos: now)
                return [.closeSession] + decide(nowNanos: now)
            }
            if let since = subscribedAt, !heardSinceSubscribe, now &- since >= settings.settleNanos {
                // The broker holds no record (restarted without persistence): say who holds it.
                heardSinceSubscribe = true
                return [.publish(OwnerRecord(edge: edge, epoch: epoch, state: .active))]
            }
            return []
        case .claiming(let epoch):
            if let current = known, current.epoch >= epoch {
                if current.epoch == epoch, current.state == .active, current.edge == edge {
                    role = .active(epoch: epoch)
                    sessionConnected = false
                    sessionWaitingSince = now
                    return [.openSession(will: OwnerRecord(edge: edge, epoch: epoch, state: .released))]
                }
                becomeStandbyOrObserve(current, nowNanos: now)
                return role == .observing ? decide(nowNanos: now) : []
            }
            if now &- claimedAt >= settings.claimTimeoutNanos {
                role = .observing
                return decide(nowNanos: now)
            }
            return []
        case .observing, .standby:
            guard isFresh(nowNanos: now) else { return [] }
            if heardSinceSubscribe, let current = known, current.state == .active, current.edge != edge {
                if role != .standby(owner: current.edge) {
                    role = .standby(owner: current.edge)
                    // Two full timeouts to be heard, the first time: this edge (re)subscribed and
                    // the holder may be reconnecting too. After a broker restart the holder
                    // claims again as soon as its own connection is back (its old claim is no
                    // session now); it gets that head start, so the restart does not move the site.
                    ownerHeardAt = now
                    ownerTimeoutNanos = 2 * settings.heartbeatTimeoutNanos
                    return []
                }
                guard now &- ownerHeardAt >= ownerTimeoutNanos else { return [] }
                // The active went silent without closing its connection (a node gone, a frozen
                // process): its session is over as far as this site is concerned.
            }
            // No record at the broker, a released epoch, or our own old claim (a session we no
            // longer hold): claim the next epoch. (An owner that is alive while the broker lost
            // its record sees the higher epoch and steps down: one handover, never two holders.)
            guard now >= noClaimBefore else { return [] }
            let epoch = (known?.epoch ?? 0) + 1
            role = .claiming(epoch: epoch)
            claimedAt = now
            return [.publish(OwnerRecord(edge: edge, epoch: epoch, state: .active))]
        }
    }
}
