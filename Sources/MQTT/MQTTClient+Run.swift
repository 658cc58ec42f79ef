import CMosquitto
import CTLSTuning
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension MQTTClient {
    /// Most packets read in one wake-up before writes (acks) and idle work get their turn.
    private static let readBurst = 256
    /// How long a clean DISCONNECT may take on stop.
    private static let stopGraceNanos: UInt64 = 1_000_000_000
    /// Longest wait for the broker to close after a clean DISCONNECT (``LingeringClose``).
    private static let lingerNanos: UInt64 = 2_000_000_000
    /// The disconnect reason after ``dropConnection()``.
    static let droppedReason = "dropped on request"
    /// The disconnect reason while ``setHeld(_:)`` holds the session.
    static let heldReason = "held: another edge holds the session"
    /// Longest a clean-session client waits on stop for its UNSUBACK and the messages sent before
    /// it: what the broker had already handed over must be read, and a slow consumer may be
    /// seconds behind. Well inside Kubernetes' grace period (60 s in Deploy/k8s).
    private static let leaveGraceNanos: UInt64 = 15_000_000_000
    /// Quiet after the UNSUBACK that ends the wait: nothing more is on its way.
    private static let leaveQuietNanos: UInt64 = 100_000_000
    /// `mosquitto_loop_misc` (keepalive) cadence.
    private static let miscIntervalNanos: UInt64 = 1_000_000_000

    /// Runs the session on the calling thread until ``requestStop()``.
    ///
    /// Connects (the first attempt is a blocking connect; later ones are asynchronous),
    /// subscribes to every filter after each CONNACK, then loops on its own `poll()` over the
    /// broker socket and a wake pipe: bursts of `mosquitto_loop_read`, `mosquitto_loop_write`
    /// whenever libmosquitto wants to write, `mosquitto_loop_misc` for keepalive. Any
    /// disconnect leads to a new attempt after a capped exponential backoff with jitter; it
    /// never gives up. After a stop it sends a clean DISCONNECT and returns. A clean session
    /// first unsubscribes and takes what the broker had already sent (see ``LeavingBeforeStop``).
    ///
    /// - Parameters:
    ///   - handler: gets messages, state changes and idle ticks on this thread; it is held
    ///     strongly until `run` returns.
    ///   - pollInterval: longest sleep between two `handleIdle` calls.
    /// - Precondition: not already running on another thread.
    public func run(handler: some MQTTMessageHandler, pollInterval: Duration = .milliseconds(10)) {
        precondition(
            running.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged,
            "MQTTClient.run is already running")
        context.handler = handler
        loopThread.store(UInt(bitPattern: Int(bitPattern: pthread_self())), ordering: .relaxed)
        context.machine = SessionStateMachine(policy: configuration.reconnect)
        context.report(context.machine.state)  // .connecting, also after an earlier run's "stopped"
        logger.info("MQTT client starting", metadata: ["configuration": "\(configuration)"])
        defer {
            loopThread.store(0, ordering: .relaxed)
            context.handler = nil
            stopFlag.store(false, ordering: .releasing)
            running.store(false, ordering: .releasing)
            logger.info("MQTT client stopped")
        }
        let pollMillis = Int32(clamping: max(1, Mosquitto.nanos(pollInterval) / 1_000_000))
        var connectedOnce = false
        var lastMisc = Mosquitto.monotonicNanos()
        var fds = (pollfd(), pollfd())
        var leaving: LeavingBeforeStop?
        // What OpenSSL holds on a TLS connection, which poll() on the socket cannot see.
        var tls = TLSBacklog.none
        // The DISCONNECT of a hold was sent for the current connection.
        var heldDisconnectSent = false
        var wasHeld = false
        // The socket of a deliberate DISCONNECT, kept open until the broker has read it.
        var lingering = LingeringClose()

        while true {
            var now = Mosquitto.monotonicNanos()
            if lingering.isPending, mosquitto_socket(handle) < 0 { finishLingering(&lingering) }
            if stopFlag.load(ordering: .acquiring), configuration.cleanSession, leaving == nil, context.machine.isSubscribed {
                leaving = context.leaveSubscriptions(handle) ? LeavingBeforeStop(nowNanos: now, messages: context.messageCount) : .done
            }
            if stopFlag.load(ordering: .acquiring), finishedLeaving(&leaving, nowNanos: now) {
                if case .stopping = context.machine.phase {
                    context.report(context.machine.stopDeadlinePassed(nowNanos: now))
                } else {
                    let (action, state) = context.machine.stopRequested(nowNanos: now, grace: Self.stopGraceNanos)
                    context.report(state)
                    if action == .sendDisconnect {
                        lingering.keep(mosquitto_socket(handle))
                        let code = mosquitto_disconnect(handle)
                        if code != MOSQ_ERR_SUCCESS.rawValue {
                            context.report(context.machine.connectionLost("stopped", nowNanos: now, jitter: 0))
                        }
                    }
                }
            }
            if case .stopped = context.machine.phase { break }

            let held = holdFlag.load(ordering: .acquiring)
            if held, !heldDisconnectSent, context.machine.isSubscribed {
                heldDisconnectSent = true
                context.machine.noteFailure(Self.heldReason)
                lingering.keep(mosquitto_socket(handle))
                if mosquitto_disconnect(handle) != MOSQ_ERR_SUCCESS.rawValue {
                    context.report(context.machine.connectionLost(Self.heldReason, nowNanos: now, jitter: 0))
                }
            }
            if wasHeld && !held { context.machine.released() }
            if !held { heldDisconnectSent = false }
            wasHeld = held
            if held, connectedOnce, !context.machine.hasSocket {
                // Held and gone: what libmosquitto still holds to publish belongs to a session
                // this client no longer has (see `setHeld`); the next connection starts empty.
                connectedOnce = false
                discardQueued()
            }

            if !held, context.machine.isConnectDue(nowNanos: now) {
                context.report(context.machine.connectStarted())
                do throws(MQTTError) {
                    try startConnect(first: !connectedOnce)
                    connectedOnce = true
                } catch {
                    context.report(
                        context.machine.connectFailed(error.description, nowNanos: now, jitter: .random(in: 0...1)))
                }
            }

            let socket = context.machine.hasSocket ? mosquitto_socket(handle) : -1
            if context.machine.hasSocket && socket < 0 {
                context.report(context.machine.connectionLost("socket closed", nowNanos: now, jitter: .random(in: 0...1)))
                continue
            }
            if socket >= 0 && dropFlag.load(ordering: .acquiring) && !mosquitto_want_write(handle) && !tls.writes {
                // Queue written: end our side of the stream (FIN after what was written, no
                // DISCONNECT packet). The broker reads everything sent, takes the end as an
                // abrupt loss (will, session) and closes; libmosquitto's next read sees that and
                // reports the connection lost; the reconnect backoff follows as for any loss.
                // Not SHUT_RDWR: libmosquitto would close at once, a late packet from the broker
                // (a PINGRESP) would then be answered with a reset, and a reset makes the
                // broker's kernel discard what mosquitto had not read yet: QoS 0 messages
                // counted as written (seen: 20 in one drop on a loaded machine).
                dropFlag.store(false, ordering: .relaxed)
                context.machine.noteFailure(Self.droppedReason)
                shutdown(socket, Int32(SHUT_WR))
            } else if socket < 0 && dropFlag.load(ordering: .relaxed) {
                dropFlag.store(false, ordering: .relaxed)  // already disconnected: nothing to drop
            }
            var timeout = pollMillis
            if case .waiting(let until) = context.machine.phase, until > now {
                timeout = min(timeout, Int32(clamping: (until - now) / 1_000_000 + 1))
            }
            if leaving != nil { timeout = min(timeout, 10) }  // the quiet period is timed on this loop
            if socket < 0 { tls = .none }
            if tls.reads { timeout = 0 }
            let wantsWrite = mosquitto_want_write(handle) || tls.writes
            // A persistent session needs to know when the broker closed the connection (see
            // `LoopContext.peerClosed`), which poll() tells before the buffered data is read.
            let readEvents = Int16(POLLIN) | (context.discardsAfterPeerClose ? Self.peerClosedEvent : 0)
            fds.0 = pollfd(fd: wake.readDescriptor, events: Int16(POLLIN), revents: 0)
            fds.1 = pollfd(fd: socket, events: readEvents | (wantsWrite ? Int16(POLLOUT) : 0), revents: 0)
            let ready = withUnsafeMutableBytes(of: &fds) {
                poll($0.baseAddress!.assumingMemoryBound(to: pollfd.self), socket >= 0 ? 2 : 1, timeout)
            }
            if ready > 0 && fds.0.revents != 0 { wake.drain() }
            if socket >= 0 && ready > 0 && fds.1.revents != 0 {
                tls = serviceSocket(events: fds.1.revents)
            } else if tls.reads {
                tls = serviceSocket(events: Int16(POLLIN))
            }

            now = Mosquitto.monotonicNanos()
            if context.machine.hasSocket && now &- lastMisc >= Self.miscIntervalNanos {
                lastMisc = now
                let code = mosquitto_loop_misc(handle)
                if code != MOSQ_ERR_SUCCESS.rawValue && code != MOSQ_ERR_NO_CONN.rawValue {
                    failed(code, call: "mosquitto_loop_misc")
                }
            }
            context.handler?.handleIdle(nowNanos: now)
            context.lastProgressNanos = Mosquitto.monotonicNanos()
        }
        finishLingering(&lingering)
    }

    /// Drops libmosquitto's queue while held (``setHeld(_:)``), counted and logged.
    private func discardQueued() {
        do throws(MQTTError) {
            let dropped = try discardQueuedPublishes()
            guard dropped > 0 else { return }
            discarded.add(dropped, ordering: .relaxed)
            logger.notice(
                "MQTT held after losing the session: dropped what was still queued to publish, so none of it goes out under the next holder",
                metadata: ["messages": "\(dropped)"])
        } catch {
            logger.error("MQTT could not drop the queue of a lost session", metadata: ["error": "\(error)"])
        }
    }

    /// Ends a kept socket once libmosquitto closed its own (see ``LingeringClose``).
    private func finishLingering(_ lingering: inout LingeringClose) {
        switch lingering.finish(timeoutNanos: Self.lingerNanos) {
        case .closedByBroker(let discarded):
            logger.debug("MQTT connection closed by the broker after the DISCONNECT", metadata: ["discarded_bytes": "\(discarded)"])
        case .gaveUp(let discarded):
            logger.warning(
                "MQTT broker did not close the connection after the DISCONNECT; closed anyway",
                metadata: ["discarded_bytes": "\(discarded)", "waited_ms": "\(Self.lingerNanos / 1_000_000)"])
        case nil:
            break
        }
    }

    /// Whether a stop may go on to DISCONNECT: no leave under way, or it just ended (logged once).
    private func finishedLeaving(_ leaving: inout LeavingBeforeStop?, nowNanos now: UInt64) -> Bool {
        guard var state = leaving, !state.isFinished else { return true }
        let outcome = state.check(
            nowNanos: now, messages: context.messageCount, unsubscribed: context.unsubscribed, connected: context.machine.isSubscribed)
        leaving = state
        switch outcome {
        case .waiting:
            return false
        case .left(let messages):
            logger.info("MQTT unsubscribed before stopping", metadata: ["messages_after_unsubscribe": "\(messages)"])
        case .gaveUp(let messages):
            logger.warning(
                "MQTT stop: no UNSUBACK and quiet within the grace; the broker drops what it still holds for this clean session",
                metadata: ["messages_after_unsubscribe": "\(messages)", "grace_s": "\(Self.leaveGraceNanos / 1_000_000_000)"])
        case .connectionGone:
            break
        }
        return true
    }

    /// A clean-session client stopping: the broker drops a clean session's undelivered messages
    /// at DISCONNECT (for a shared subscription, those it had handed to this member). So it
    /// unsubscribes first, and disconnects once the UNSUBACK is in and nothing arrived for
    /// `leaveQuietNanos` (messages sent before the UNSUBACK arrive before it, on one TCP stream),
    /// or after `leaveGraceNanos`, or at once if the connection is gone.
    struct LeavingBeforeStop {
        enum Outcome: Equatable { case waiting, left(messages: UInt64), gaveUp(messages: UInt64), connectionGone }

        private var deadline: UInt64
        private let startMessages: UInt64
        private var messages: UInt64
        private var lastMessageNanos: UInt64
        private(set) var isFinished = false

        /// Nothing to wait for (the UNSUBSCRIBE could not be sent).
        static let done: LeavingBeforeStop = {
            var state = LeavingBeforeStop(nowNanos: 0, messages: 0)
            state.isFinished = true
            return state
        }()

        init(nowNanos: UInt64, messages: UInt64) {
            deadline = nowNanos + MQTTClient.leaveGraceNanos
            startMessages = messages
            self.messages = messages
            lastMessageNanos = nowNanos
        }

        mutating func check(nowNanos: UInt64, messages count: UInt64, unsubscribed: Bool, connected: Bool) -> Outcome {
            if count != messages {
                messages = count
                lastMessageNanos = nowNanos
            }
            let outcome: Outcome
            if !connected {
                outcome = .connectionGone
            } else if unsubscribed && nowNanos &- lastMessageNanos >= MQTTClient.leaveQuietNanos {
                outcome = .left(messages: count &- startMessages)
            } else if nowNanos >= deadline {
                outcome = .gaveUp(messages: count &- startMessages)
            } else {
                outcome = .waiting
            }
            if outcome != .waiting { isFinished = true }
            return outcome
        }
    }

    /// `POLLRDHUP` (Linux): the peer shut its side of the stream, even with data still unread.
    /// Other systems have no such event: there the stall probe alone guards the session.
    #if os(Linux)
    static let peerClosedEvent = Int16(0x2000)
    #else
    static let peerClosedEvent = Int16(0)
    #endif

    /// What OpenSSL holds on a TLS connection that `poll()` on the socket cannot see.
    struct TLSBacklog {
        /// Records read ahead and not parsed yet: read again without waiting.
        var reads: Bool
        /// Records in the write buffer the socket did not take yet: wait for `POLLOUT`.
        var writes: Bool

        static let none = TLSBacklog(reads: false, writes: false)
    }

    /// Reads in bursts (like `mqtt_sink -m libfast`), then writes what libmosquitto queued
    /// (PUBACKs, SUBSCRIBE, PUBLISH from other threads) and, over TLS, hands the records of the
    /// pass to the socket in one go (see `haetae_tls_buffer_writes`).
    private func serviceSocket(events: Int16) -> TLSBacklog {
        let connecting = context.machine.phase == .connecting
        if context.discardsAfterPeerClose, events & (Self.peerClosedEvent | Int16(POLLHUP | POLLERR)) != 0 {
            context.peerClosed = true
        }
        // While connecting, a writable socket may also be what a pending TLS handshake
        // waits for; libmosquitto advances the handshake from loop_read.
        if events & Int16(POLLIN | POLLERR | POLLHUP) != 0 || (connecting && events & Int16(POLLOUT) != 0) {
            for _ in 0..<Self.readBurst {
                if context.probe != nil, context.probeMid == nil, context.machine.isSubscribed {
                    let now = Mosquitto.monotonicNanos()
                    if now &- context.lastProgressNanos >= context.probeThresholdNanos { context.startProbe(handle) }
                    context.lastProgressNanos = now
                }
                let before = context.messageCount
                let code = mosquitto_loop_read(handle, 1)
                guard code == MOSQ_ERR_SUCCESS.rawValue else {
                    failed(code, call: "mosquitto_loop_read")
                    return .none
                }
                if context.messageCount == before { break }
            }
        }
        guard context.machine.hasSocket else { return .none }
        // Until CONNACK, only write when poll() said the socket is writable (an async
        // connect may still be in progress); afterwards flush at once.
        if mosquitto_want_write(handle) && !(connecting && events & Int16(POLLOUT) == 0) {
            let code = mosquitto_loop_write(handle, 1)
            if code != MOSQ_ERR_SUCCESS.rawValue {
                failed(code, call: "mosquitto_loop_write")
                return .none
            }
        }
        // Asked after the writes: a written DISCONNECT has closed the connection (no SSL left).
        guard context.machine.hasSocket, let ssl = mosquitto_ssl_get(handle) else { return .none }
        // A socket error (-1) is left to the next read, which reports the connection lost.
        let unflushed = haetae_tls_flush_writes(ssl) == 0
        return TLSBacklog(reads: haetae_tls_has_buffered(ssl) != 0, writes: unflushed)
    }

    /// A loop call failed. libmosquitto has usually closed the socket and reported the
    /// disconnect already; when it has not (a failed TLS handshake), do it here.
    private func failed(_ code: Int32, call: String) {
        guard context.machine.hasSocket else { return }
        let error = MQTTError.library(call: call, code: code)
        context.report(
            context.machine.connectionLost(error.description, nowNanos: Mosquitto.monotonicNanos(), jitter: .random(in: 0...1)))
    }
}
