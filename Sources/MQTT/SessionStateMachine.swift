/// The client's session lifecycle as a value type without I/O, driven by the loop shell.
///
/// ```
///  waiting(until) ──connectStarted──▶ connecting ──CONNACK ok──▶ subscribing ──SUBACK──▶ connected
///        ▲                                │  │                        │                    │
///        └──────── connectFailed / connectionLost (backoff delay) ◀───┴────────────────────┘
///  any ──stopRequested──▶ stopping (clean DISCONNECT) ──connectionLost──▶ stopped
/// ```
///
/// Each event returns the public state to report, or `nil` when it did not change.
/// The first clear failure of an attempt (a refused CONNACK, a TLS error) is kept as the
/// disconnect reason instead of the generic "connection lost" that follows it.
struct SessionStateMachine: Sendable, Equatable {
    enum Phase: Sendable, Equatable {
        /// Not connected; the next attempt is due at this monotonic time.
        case waiting(untilNanos: UInt64)
        /// Socket opening / CONNECT sent, CONNACK not yet seen.
        case connecting
        /// CONNACK accepted, SUBSCRIBE with this message id sent.
        case subscribing(mid: Int32)
        case connected
        /// A clean DISCONNECT is on its way; done by this monotonic time at the latest.
        case stopping(deadlineNanos: UInt64)
        case stopped
    }

    enum StopAction: Sendable, Equatable {
        /// Send DISCONNECT and keep looping until the socket closes (or the deadline passes).
        case sendDisconnect
        /// Nothing to say goodbye to: leave the loop now.
        case finish
    }

    private(set) var phase: Phase = .waiting(untilNanos: 0)
    private(set) var state: MQTTConnectionState = .connecting
    private(set) var backoff: ReconnectBackoff
    private var failure: String?

    init(policy: ReconnectPolicy) {
        backoff = ReconnectBackoff(policy: policy)
    }

    /// Whether a connect attempt is due.
    func isConnectDue(nowNanos: UInt64) -> Bool {
        if case .waiting(let until) = phase { return nowNanos >= until }
        return false
    }

    /// Whether a socket exists whose events the loop must serve.
    var hasSocket: Bool {
        switch phase {
        case .connecting, .subscribing, .connected, .stopping: true
        case .waiting, .stopped: false
        }
    }

    /// Whether the SUBSCRIBE went out on the current connection: the broker may be sending.
    var isSubscribed: Bool {
        switch phase {
        case .subscribing, .connected: true
        case .waiting, .connecting, .stopping, .stopped: false
        }
    }

    mutating func connectStarted() -> MQTTConnectionState? {
        phase = .connecting
        failure = nil
        return report(.connecting)
    }

    /// The connect call itself failed (no socket): wait, then try again.
    mutating func connectFailed(_ reason: String, nowNanos: UInt64, jitter: Double) -> MQTTConnectionState? {
        scheduleRetry(reason: reason, nowNanos: nowNanos, jitter: jitter)
    }

    /// A detail worth reporting if the attempt fails (first one wins).
    mutating func noteFailure(_ reason: String) {
        if failure == nil { failure = reason }
    }

    /// CONNACK arrived. Returns whether to subscribe now.
    mutating func connackReceived(refusal: String?, hasSubscriptions: Bool) -> (subscribe: Bool, report: MQTTConnectionState?) {
        guard case .connecting = phase else { return (false, nil) }
        if let refusal {
            noteFailure(refusal)  // the broker closes the socket next: connectionLost follows
            return (false, nil)
        }
        if hasSubscriptions { return (true, nil) }
        return (false, becomeConnected())
    }

    mutating func subscribeSent(mid: Int32) {
        if case .connecting = phase { phase = .subscribing(mid: mid) }
    }

    mutating func subscribeAcknowledged(mid: Int32) -> MQTTConnectionState? {
        guard case .subscribing(let expected) = phase, expected == mid else { return nil }
        return becomeConnected()
    }

    /// The socket is gone (or unusable). While stopping this ends the run.
    mutating func connectionLost(_ reason: String, nowNanos: UInt64, jitter: Double) -> MQTTConnectionState? {
        switch phase {
        case .stopping, .stopped:
            phase = .stopped
            return report(.disconnected(reason: "stopped"))
        case .waiting:
            return nil
        case .connecting, .subscribing, .connected:
            return scheduleRetry(reason: reason, nowNanos: nowNanos, jitter: jitter)
        }
    }

    mutating func stopRequested(nowNanos: UInt64, grace: UInt64) -> (StopAction, MQTTConnectionState?) {
        switch phase {
        case .subscribing, .connected:
            phase = .stopping(deadlineNanos: nowNanos &+ grace)
            return (.sendDisconnect, nil)
        case .stopping:
            return (.sendDisconnect, nil)
        case .waiting, .connecting, .stopped:
            phase = .stopped
            return (.finish, report(.disconnected(reason: "stopped")))
        }
    }

    /// Released from a hold: the next attempt is due at once, from the first backoff step.
    mutating func released() {
        guard case .waiting = phase else { return }
        phase = .waiting(untilNanos: 0)
        backoff.reset()
    }

    /// The clean DISCONNECT did not complete in time.
    mutating func stopDeadlinePassed(nowNanos: UInt64) -> MQTTConnectionState? {
        guard case .stopping(let deadline) = phase, nowNanos >= deadline else { return nil }
        phase = .stopped
        return report(.disconnected(reason: "stopped"))
    }

    private mutating func becomeConnected() -> MQTTConnectionState? {
        phase = .connected
        backoff.reset()
        failure = nil
        return report(.connected)
    }

    private mutating func scheduleRetry(reason: String, nowNanos: UInt64, jitter: Double) -> MQTTConnectionState? {
        let delay = backoff.nextDelay(jitter: jitter)
        phase = .waiting(untilNanos: nowNanos &+ Mosquitto.nanos(delay))
        let reported = failure ?? reason
        failure = nil
        return report(.disconnected(reason: reported))
    }

    private mutating func report(_ new: MQTTConnectionState) -> MQTTConnectionState? {
        guard new != state else { return nil }
        state = new
        return new
    }
}
