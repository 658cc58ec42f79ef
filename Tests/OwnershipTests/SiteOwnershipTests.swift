import Ownership
import Testing

/// A site's owner topic in the broker's order, delivered to every edge subscribed: what each
/// edge publishes goes back on the topic, the last one retained.
private struct Site {
    var edges: [String: SiteOwnership]
    var retained: OwnerRecord?
    var published: [OwnerRecord] = []
    var sessions: [String: OwnerRecord] = [:]  // edge → the will of its open session
    var closed: [String] = []
    /// Edges that receive nothing (frozen, or their own connection is down).
    var offline: Set<String> = []

    init(_ names: [String]) {
        edges = Dictionary(uniqueKeysWithValues: names.map { ($0, SiteOwnership(edge: $0)) })
    }

    mutating func subscribe(_ name: String, at now: UInt64) {
        carryOut(name, edges[name]!.controlSubscribed(nowNanos: now), at: now)
        if let retained { carryOut(name, edges[name]!.received(retained, nowNanos: now), at: now) }
    }

    mutating func tick(_ name: String, at now: UInt64) {
        carryOut(name, edges[name]!.tick(nowNanos: now), at: now)
    }

    /// The broker publishes a record (a claim, a will): every edge sees it in this order.
    mutating func broker(_ record: OwnerRecord, at now: UInt64, to names: [String]? = nil) {
        retained = record
        published.append(record)
        for name in names ?? edges.keys.sorted() where !offline.contains(name) {
            carryOut(name, edges[name]!.received(record, nowNanos: now), at: now)
        }
    }

    mutating func carryOut(_ name: String, _ actions: [SiteOwnership.Action], at now: UInt64) {
        for action in actions {
            switch action {
            case .publish(let record): broker(record, at: now)
            case .openSession(let will): sessions[name] = will
            case .closeSession:
                sessions[name] = nil
                closed.append(name)
            case .refreshOwnerRecord:
                if !offline.contains(name) { subscribe(name, at: now) }
            }
        }
    }

    func role(_ name: String) -> SiteOwnership.Role { edges[name]!.role }

    /// `a` started alone and holds epoch 1 (at 300 ms); `b` subscribed at 400 ms and stands by.
    static func activeAndStandby() -> Site {
        var site = Site(["a", "b"])
        site.subscribe("a", at: 0)
        site.tick("a", at: 300 * ms)
        site.subscribe("b", at: 400 * ms)
        return site
    }
}

private let ms: UInt64 = 1_000_000

@Suite("Site ownership: the election of the active edge")
struct SiteOwnershipTests {
    @Test("a lone edge waits for the retained record, claims epoch 1 when there is none, and opens the session with its release as will")
    func loneEdgeClaims() {
        var site = Site(["a"])
        site.subscribe("a", at: 0)
        site.tick("a", at: 100 * ms)
        #expect(site.role("a") == .observing, "decides only after the settle time")
        site.tick("a", at: 300 * ms)
        #expect(site.role("a") == .active(epoch: 1))
        #expect(site.published == [OwnerRecord(edge: "a", epoch: 1, state: .active)])
        #expect(site.sessions["a"] == OwnerRecord(edge: "a", epoch: 1, state: .released))
    }

    @Test("two edges starting at once both claim epoch 1; the first claim in the broker's order wins and the other stands by")
    func simultaneousStart() {
        var site = Site(["a", "b"])
        site.subscribe("a", at: 0)
        site.subscribe("b", at: 0)
        // Both decide at the same instant, before either claim arrived anywhere.
        var a = site.edges["a"]!, b = site.edges["b"]!
        let claimB = b.tick(nowNanos: 300 * ms)
        let claimA = a.tick(nowNanos: 300 * ms)
        site.edges["a"] = a
        site.edges["b"] = b
        #expect(claimA == [.publish(OwnerRecord(edge: "a", epoch: 1, state: .active))])
        #expect(claimB == [.publish(OwnerRecord(edge: "b", epoch: 1, state: .active))])
        site.carryOut("b", claimB, at: 301 * ms)  // b's reaches the broker first
        site.carryOut("a", claimA, at: 302 * ms)
        #expect(site.role("b") == .active(epoch: 1))
        #expect(site.role("a") == .standby(owner: "b"))
        #expect(site.sessions.keys.sorted() == ["b"])
        // a's losing claim was retained last; b said again who holds epoch 1.
        #expect(site.retained == OwnerRecord(edge: "b", epoch: 1, state: .active))
    }

    @Test("the edge that lost a simultaneous claim watches the winner for a full heartbeat timeout from then, however long the machine has been up, before it claims again")
    func losingClaimWaitsForTheWinner() {
        let start: UInt64 = 86_400_000 * ms  // a monotonic clock a day after boot
        var site = Site(["a", "b"])
        site.subscribe("a", at: start)
        site.subscribe("b", at: start)
        var a = site.edges["a"]!, b = site.edges["b"]!
        let claimB = b.tick(nowNanos: start + 300 * ms)
        let claimA = a.tick(nowNanos: start + 300 * ms)
        site.edges["a"] = a
        site.edges["b"] = b
        site.carryOut("b", claimB, at: start + 301 * ms)
        site.carryOut("a", claimA, at: start + 302 * ms)
        site.tick("a", at: start + 303 * ms)
        #expect(site.role("a") == .standby(owner: "b"), "no claim of epoch 2 right after losing epoch 1")
        site.tick("a", at: start + 3_300 * ms)
        #expect(site.role("a") == .standby(owner: "b"))
        site.tick("a", at: start + 3_301 * ms)
        #expect(site.role("a") == .active(epoch: 2), "b was never heard: a full timeout after its claim arrived")
    }

    @Test("the active's will ends its epoch: the standby claims the next one at once and opens the session")
    func standbyTakesOverOnRelease() {
        var site = Site.activeAndStandby()
        #expect(site.role("b") == .standby(owner: "a"))
        // kill -9: the broker publishes a's will.
        site.broker(site.sessions["a"]!, at: 5_000 * ms, to: ["b"])
        #expect(site.role("b") == .active(epoch: 2))
        #expect(site.sessions["b"] == OwnerRecord(edge: "b", epoch: 2, state: .released))
        #expect(site.retained == OwnerRecord(edge: "b", epoch: 2, state: .active))
    }

    @Test("a frozen active that wakes has no lease, acts on nothing, and steps down for good once it sees the later epoch")
    func frozenActiveStepsDown() {
        var site = Site.activeAndStandby()
        _ = site.edges["a"]!.sessionDidConnect(nowNanos: 310 * ms)
        site.edges["a"]!.heartbeatAcknowledged(sentNanos: 1_000 * ms)
        #expect(site.edges["a"]!.mayAct(nowNanos: 1_001 * ms))
        #expect(site.edges["a"]!.mayAct(nowNanos: 2_999 * ms), "lease: 2 s from when the acknowledged heartbeat left")
        #expect(!site.edges["a"]!.mayAct(nowNanos: 3_000 * ms))
        // a is frozen; the broker drops it after 3 s of silence and publishes its will; b claims.
        site.offline = ["a"]
        site.broker(OwnerRecord(edge: "a", epoch: 1, state: .released), at: 4_000 * ms)
        #expect(site.role("b") == .active(epoch: 2))
        // a wakes 20 s later: it still believes it is active, but may not act.
        #expect(site.role("a") == .active(epoch: 1))
        #expect(!site.edges["a"]!.mayAct(nowNanos: 21_000 * ms))
        site.carryOut("a", site.edges["a"]!.sessionDidDisconnect(nowNanos: 21_000 * ms), at: 21_000 * ms)
        #expect(site.closed == ["a"])
        #expect(site.role("a") == .observing, "no claim until its own connection is back and has heard the record")
        site.edges["a"]!.controlLost()
        site.offline = []
        site.subscribe("a", at: 21_500 * ms)
        #expect(site.role("a") == .standby(owner: "b"))
        _ = site.edges["a"]!.heartbeatSeen(OwnerRecord(edge: "b", epoch: 2, state: .active), nowNanos: 29_000 * ms)
        site.tick("a", at: 30_000 * ms)
        #expect(site.sessions.keys.sorted() == ["b"])
        #expect(site.published.filter { $0.edge == "a" } == [OwnerRecord(edge: "a", epoch: 1, state: .active), OwnerRecord(edge: "a", epoch: 1, state: .released)])
    }

    @Test("an active that learns of a later epoch while connected closes its session and never reopens it")
    func activeSeesHigherEpoch() {
        var site = Site(["a"])
        site.subscribe("a", at: 0)
        site.tick("a", at: 300 * ms)
        _ = site.edges["a"]!.sessionDidConnect(nowNanos: 310 * ms)
        site.broker(OwnerRecord(edge: "b", epoch: 5, state: .active), at: 1_000 * ms)
        #expect(site.closed == ["a"])
        #expect(site.role("a") == .standby(owner: "b"))
        #expect(!site.edges["a"]!.sessionConnected)
        _ = site.edges["a"]!.heartbeatSeen(OwnerRecord(edge: "b", epoch: 5, state: .active), nowNanos: 59_000 * ms)
        site.tick("a", at: 60_000 * ms)
        #expect(site.sessions.isEmpty)
    }

    @Test("an active whose session connection drops claims the next epoch before it reconnects; a standby's competing claim can win instead")
    func sessionLossNeedsNewClaim() {
        var site = Site.activeAndStandby()
        _ = site.edges["a"]!.sessionDidConnect(nowNanos: 310 * ms)
        site.carryOut("a", site.edges["a"]!.sessionDidDisconnect(nowNanos: 2_000 * ms), at: 2_000 * ms)
        #expect(site.role("a") == .active(epoch: 2), "claimed 2 and won: b saw that claim first")
        #expect(site.role("b") == .standby(owner: "a"))
        // The broker notices the old connection late: its will for epoch 1 is stale now.
        site.broker(OwnerRecord(edge: "a", epoch: 1, state: .released), at: 2_500 * ms)
        #expect(site.role("a") == .active(epoch: 2))
        #expect(site.role("b") == .standby(owner: "a"))
        #expect(site.retained == OwnerRecord(edge: "a", epoch: 2, state: .active), "the owner said again who holds the session")

        // The other order: b's claim of the next epoch reaches the broker first.
        var other = Site.activeAndStandby()
        _ = other.edges["a"]!.sessionDidConnect(nowNanos: 310 * ms)
        other.broker(OwnerRecord(edge: "a", epoch: 1, state: .released), at: 2_000 * ms, to: ["b"])  // b claims 2
        other.carryOut("a", other.edges["a"]!.sessionDidDisconnect(nowNanos: 2_001 * ms), at: 2_001 * ms)
        #expect(other.role("b") == .active(epoch: 2))
        #expect(other.role("a") == .standby(owner: "b"))
        #expect(other.sessions.keys.sorted() == ["b"])
    }

    @Test("stopping closes the session first, then releases the epoch, and the standby takes it")
    func gracefulStop() {
        var site = Site.activeAndStandby()
        let actions = site.edges["a"]!.stop()
        #expect(actions == [.closeSession, .publish(OwnerRecord(edge: "a", epoch: 1, state: .released))])
        site.carryOut("a", actions, at: 1_000 * ms)
        #expect(site.role("b") == .active(epoch: 2))
        #expect(site.role("a") == .stopped)
        site.broker(OwnerRecord(edge: "b", epoch: 2, state: .released), at: 2_000 * ms)
        #expect(site.role("a") == .stopped, "a stopped edge claims nothing")
    }

    @Test("an edge whose session never connects gives the epoch up after 10 s and waits before claiming again, so another edge can try")
    func unreachableSessionIsGivenUp() {
        var site = Site.activeAndStandby()
        site.tick("a", at: 10_000 * ms)
        #expect(site.role("a") == .active(epoch: 1))
        site.tick("a", at: 10_300 * ms)
        #expect(site.closed == ["a"])
        #expect(site.role("b") == .active(epoch: 2))
        #expect(site.role("a") == .standby(owner: "b"))
    }

    @Test("with no record at the broker (restarted without persistence) the active says again who holds the session, and a standby that hears nothing claims")
    func brokerLostTheRecord() {
        var site = Site.activeAndStandby()
        site.retained = nil
        site.edges["a"]!.controlLost()
        site.edges["b"]!.controlLost()
        site.subscribe("a", at: 5_000 * ms)
        site.tick("a", at: 5_300 * ms)
        #expect(site.retained == OwnerRecord(edge: "a", epoch: 1, state: .active))
        #expect(site.role("b") == .standby(owner: "a"))

        var lone = Site.activeAndStandby()
        lone.retained = nil
        lone.edges["b"]!.controlLost()
        lone.subscribe("b", at: 5_000 * ms)  // a is gone and the broker forgot everything
        lone.tick("b", at: 5_300 * ms)
        #expect(lone.role("b") == .active(epoch: 2))
    }

    @Test("after a broker restart the standby gives the recorded holder two heartbeat timeouts to claim again, so the site stays where it was; a holder that does not come back is replaced then")
    func brokerRestartKeepsTheHolder() {
        // The broker restarts with its records: both edges lose their own connection and a its session.
        func restarted() -> Site {
            var site = Site.activeAndStandby()
            _ = site.edges["a"]!.sessionDidConnect(nowNanos: 310 * ms)
            site.offline = ["a", "b"]
            site.edges["a"]!.controlLost()
            site.edges["b"]!.controlLost()
            site.carryOut("a", site.edges["a"]!.sessionDidDisconnect(nowNanos: 5_000 * ms), at: 5_000 * ms)
            site.offline = []
            site.subscribe("b", at: 6_000 * ms)  // b's connection is back first
            return site
        }
        var site = restarted()
        #expect(site.role("b") == .standby(owner: "a"))
        site.tick("b", at: 9_400 * ms)
        #expect(site.role("b") == .standby(owner: "a"), "past one timeout, within two")
        site.subscribe("a", at: 9_500 * ms)  // a's own connection back 3.5 s later: it claims again
        #expect(site.role("a") == .active(epoch: 2))
        #expect(site.role("b") == .standby(owner: "a"))
        #expect(site.sessions.keys.sorted() == ["a"])

        var gone = restarted()  // a does not come back
        gone.tick("b", at: 11_999 * ms)
        #expect(gone.role("b") == .standby(owner: "a"))
        gone.tick("b", at: 12_000 * ms)
        #expect(gone.role("b") == .active(epoch: 2), "two timeouts after its own connection came back")
    }

    @Test("a claim whose publish was lost is given up after the timeout, and the edge looks again")
    func lostClaimTimesOut() {
        var edge = SiteOwnership(edge: "a")
        _ = edge.controlSubscribed(nowNanos: 0)
        #expect(edge.tick(nowNanos: 300 * ms) == [.publish(OwnerRecord(edge: "a", epoch: 1, state: .active))])
        #expect(edge.tick(nowNanos: 3_000 * ms).isEmpty)
        #expect(edge.tick(nowNanos: 3_300 * ms) == [.publish(OwnerRecord(edge: "a", epoch: 1, state: .active))], "claims again")
    }

    @Test("without its own connection a standby decides nothing, even when a release arrived before it went down")
    func noDecisionWithoutControl() {
        var edge = SiteOwnership(edge: "b")
        _ = edge.controlSubscribed(nowNanos: 0)
        _ = edge.received(OwnerRecord(edge: "a", epoch: 3, state: .active), nowNanos: 1 * ms)
        #expect(edge.role == .standby(owner: "a"))
        edge.controlLost()
        #expect(edge.tick(nowNanos: 60_000 * ms).isEmpty)
        #expect(edge.role == .standby(owner: "a"))
        #expect(!edge.mayAct(nowNanos: 60_000 * ms))
    }

    @Test("a standby kept hearing the active's heartbeat stays standby; once the heartbeats stop for 3 s it claims the next epoch")
    func heartbeatSilenceMeansGone() {
        var site = Site.activeAndStandby()
        let beat = OwnerRecord(edge: "a", epoch: 1, state: .active)
        for now in stride(from: 500 * ms, through: 10_000 * ms, by: Int(500 * ms)) {
            site.carryOut("b", site.edges["b"]!.heartbeatSeen(beat, nowNanos: now), at: now)
            site.tick("b", at: now)
        }
        #expect(site.role("b") == .standby(owner: "a"))
        // A heartbeat of an old epoch, or from someone who is not the owner, keeps nobody alive.
        site.carryOut("b", site.edges["b"]!.heartbeatSeen(OwnerRecord(edge: "c", epoch: 1, state: .active), nowNanos: 11_000 * ms), at: 11_000 * ms)
        site.tick("b", at: 12_999 * ms)
        #expect(site.role("b") == .standby(owner: "a"))
        site.tick("b", at: 13_000 * ms)
        #expect(site.role("b") == .active(epoch: 2), "3 s after the last heartbeat from a")
        #expect(site.role("a") == .standby(owner: "b"))
        #expect(site.closed == ["a"])
    }

    @Test("a standby that subscribed after the active's claim learns who is active from its heartbeat")
    func heartbeatIntroducesTheOwner() {
        var edge = SiteOwnership(edge: "b")
        _ = edge.controlSubscribed(nowNanos: 0)
        _ = edge.heartbeatSeen(OwnerRecord(edge: "a", epoch: 4, state: .active), nowNanos: 100 * ms)
        #expect(edge.role == .standby(owner: "a"))
        #expect(edge.known == OwnerRecord(edge: "a", epoch: 4, state: .active))
    }
}
