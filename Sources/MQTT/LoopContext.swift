import CMosquitto
import CTLSTuning
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The userdata behind every libmosquitto callback of one client.
///
/// Passed as `Unmanaged` (unretained) to `mosquitto_new`; the owning ``MQTTClient`` keeps it
/// alive longer than the `mosquitto *` handle. Everything here except `published` is touched
/// only on the thread inside ``MQTTClient/run(handler:pollInterval:)``: libmosquitto runs
/// callbacks only from the loop calls made there (`mosquitto_threaded_set(true)` keeps
/// `publish()` on other threads from writing or calling back).
final class LoopContext {
    /// Write buffer between TLS records and the socket: a read burst's PUBACKs (256 × 26 bytes
    /// over TLS 1.3) and a few PUBLISHes fit, so a pass usually leaves in one send().
    static let tlsWriteBufferBytes: Int32 = 16_384

    let protocolVersion: MQTTConfiguration.ProtocolVersion
    let qos: Int32
    /// `MQTT_SUB_OPT_*` flags for every subscription (MQTT 5; 0 otherwise).
    let subscribeOptions: Int32
    let logger: Logger
    /// Written by the loop thread, read by any thread through `MQTTClient.connectionState`.
    let published: Mutex<MQTTConnectionState>

    /// The handler of the current run; the strong reference keeps it alive for the run.
    var handler: (any MQTTMessageHandler)?
    var machine: SessionStateMachine
    /// Messages delivered so far; lets the loop tell a burst of PUBLISHes from other packets.
    var messageCount: UInt64 = 0

    /// A persistent session at QoS ≥ 1: the broker keeps every message it has no PUBACK for and
    /// delivers it again to whoever holds the session next.
    let discardsAfterPeerClose: Bool
    /// The broker closed this connection (it took the session over, or dropped a client that had
    /// stopped answering: a frozen process). What is still buffered here was sent before that,
    /// but no PUBACK can reach the broker any more, so it will be delivered again: handing it
    /// to the handler as well would process it twice. Reset by the next CONNACK.
    var peerClosed = false
    /// QoS ≥ 1 messages not handed over for that reason (read from any thread).
    let leftForRedelivery = Atomic<UInt64>(0)
    /// QoS ≥ 1 messages this client queued, and those the broker acknowledged: the difference is
    /// what libmosquitto still holds to send or resend.
    let publishesQueued = Atomic<UInt64>(0)
    let publishesAcknowledged = Atomic<UInt64>(0)
    private var leftThisConnection: UInt64 = 0

    /// The stall guard of a persistent session (``StallProbe``), its topic as a C string.
    let probe: StallProbe?
    private let probeTopic: UnsafeMutablePointer<CChar>?
    let probeThresholdNanos: UInt64
    /// The probe awaiting its PUBACK; while set, what arrives is held.
    private(set) var probeMid: Int32?
    /// When the loop last made progress (a read or a pass): a longer pause is a stall.
    var lastProgressNanos: UInt64 = Mosquitto.monotonicNanos()
    private var held: [HeldMessage] = []
    private var heldBytes = 0
    /// Held messages handed over unconfirmed because the hold was full (read from any thread).
    let heldOverflow = Atomic<UInt64>(0)

    private struct HeldMessage {
        var topic: [UInt8]
        var payload: [UInt8]
        var qos: Int
        var retained: Bool
    }

    /// The UNSUBSCRIBE sent by ``leaveSubscriptions(_:)`` and whether the broker answered it.
    private(set) var unsubscribeMid: Int32?
    private(set) var unsubscribed = false

    /// NUL-terminated copies of the subscription filters, owned here, freed in `deinit`.
    private let filters: [UnsafeMutablePointer<CChar>?]
    private let filterNames: [String]

    init(configuration: MQTTConfiguration, logger: Logger) {
        protocolVersion = configuration.protocolVersion
        qos = Int32(configuration.qos)
        self.logger = logger
        published = Mutex(.connecting)
        machine = SessionStateMachine(policy: configuration.reconnect)
        filterNames = configuration.subscriptions
        filters = configuration.subscriptions.map { strdup($0) }
        subscribeOptions = Self.subscribeOptions(for: configuration, logger: logger)
        discardsAfterPeerClose = !configuration.cleanSession && configuration.qos > 0
        probe = discardsAfterPeerClose ? configuration.stallProbe : nil
        probeTopic = probe.map { strdup($0.topic) }
        probeThresholdNanos = probe.map { Mosquitto.nanos($0.threshold) } ?? .max
    }

    /// No Local when asked for and allowed: MQTT 5, and no shared subscription among the
    /// filters (all of them go in one SUBSCRIBE with the same options).
    static func subscribeOptions(for configuration: MQTTConfiguration, logger: Logger) -> Int32 {
        guard configuration.noLocal, configuration.protocolVersion == .v5 else { return 0 }
        if configuration.subscriptions.contains(where: { $0.hasPrefix("$share/") }) {
            logger.notice("MQTT No Local not used: MQTT 5 forbids it on shared subscriptions; this client's own publishes may come back")
            return 0
        }
        return Int32(MQTT_SUB_OPT_NO_LOCAL.rawValue)
    }

    deinit {
        for filter in filters { free(filter) }
        free(probeTopic)
    }

    static func from(_ userdata: UnsafeMutableRawPointer?) -> Unmanaged<LoopContext> {
        Unmanaged<LoopContext>.fromOpaque(userdata!)
    }

    /// Makes a state change visible: the shared copy, the log, the handler.
    func report(_ state: MQTTConnectionState?) {
        guard let state else { return }
        published.withLock { $0 = state }
        switch state {
        case .connected: logger.info("MQTT connected")
        case .connecting: logger.debug("MQTT connecting")
        case .disconnected(let reason) where reason == "stopped" || reason == MQTTClient.droppedReason:
            logger.info("MQTT disconnected", metadata: ["reason": "\(reason)"])
        case .disconnected(let reason): logger.warning("MQTT disconnected", metadata: ["reason": "\(reason)"])
        }
        handler?.handleConnectionState(state)
    }

    // MARK: Callbacks (loop thread)

    func onConnect(_ mosq: OpaquePointer?, code: Int32, flags: Int32) {
        if code != 0 {
            let refusal = MQTTError.connack(code: code, protocolVersion: protocolVersion)
            logger.error("MQTT connection refused", metadata: ["error": "\(refusal)"])
            report(machine.connackReceived(refusal: refusal.description, hasSubscriptions: !filters.isEmpty).report)
            return
        }
        peerClosed = false
        settleHeld(confirmed: false)
        // Connected: stop formatting library log lines (libmosquitto logs every PUBLISH).
        mosquitto_log_callback_set(mosq, nil)
        // Over TLS (nothing on a plain connection): read ahead, keep the read buffer, and
        // write the records of one loop pass (a PUBACK per message) in one send().
        let ssl = mosquitto_ssl_get(mosq)
        haetae_tls_tune_reading(ssl)
        if haetae_tls_buffer_writes(ssl, Self.tlsWriteBufferBytes) < 0 {
            logger.warning("MQTT TLS write buffer refused by OpenSSL: one send() per packet")
        }
        logger.debug("MQTT CONNACK accepted", metadata: ["session_present": "\(flags & 1 == 1)"])
        let (subscribe, state) = machine.connackReceived(refusal: nil, hasSubscriptions: !filters.isEmpty)
        report(state)
        guard subscribe else { return }
        var mid: Int32 = 0
        let code = filters.withUnsafeBufferPointer { list in
            list.baseAddress!.withMemoryRebound(to: UnsafeMutablePointer<CChar>?.self, capacity: list.count) {
                mosquitto_subscribe_multiple(mosq, &mid, Int32(list.count), $0, qos, subscribeOptions, nil)
            }
        }
        do throws(MQTTError) {
            try check(code, "mosquitto_subscribe_multiple(\(filterNames))")
            machine.subscribeSent(mid: mid)
        } catch {
            logger.error("MQTT subscribe failed", metadata: ["error": "\(error)"])
            machine.noteFailure(error.description)
            _ = mosquitto_disconnect(mosq)  // reconnect and try again
        }
    }

    /// A subscription the broker refused, or granted below the QoS asked for, means data
    /// would silently not arrive (or not be queued while we are away): treat it as a failed
    /// connection, say why, and try again with backoff instead of reporting `.connected`.
    func onSubscribe(_ mosq: OpaquePointer?, mid: Int32, count: Int32, granted: UnsafePointer<Int32>?) {
        var problems: [String] = []
        for index in 0..<Int(count) {
            let code = granted?[index] ?? 0x80
            let filter = index < filterNames.count ? filterNames[index] : "?"
            if code >= 0x80 {
                problems.append("broker refused the subscription to \(filter)")
            } else if code < qos {
                problems.append("broker granted QoS \(code) for \(filter), not the \(qos) asked for")
            }
        }
        guard problems.isEmpty else {
            let reason = problems.joined(separator: "; ")
            logger.error("MQTT subscription not granted", metadata: ["reason": "\(reason)"])
            machine.noteFailure(reason)
            _ = mosquitto_disconnect(mosq)  // connectionLost follows; the retry backs off
            return
        }
        report(machine.subscribeAcknowledged(mid: mid))
    }

    /// Unsubscribes from every filter (a clean-session member leaving a shared subscription
    /// before it stops, so the broker hands the rest of the stream to the other members).
    /// - Returns: whether the UNSUBSCRIBE was queued.
    func leaveSubscriptions(_ mosq: OpaquePointer?) -> Bool {
        guard !filters.isEmpty else { return false }
        var mid: Int32 = 0
        let code = filters.withUnsafeBufferPointer { list in
            list.baseAddress!.withMemoryRebound(to: UnsafeMutablePointer<CChar>?.self, capacity: list.count) {
                mosquitto_unsubscribe_multiple(mosq, &mid, Int32(list.count), $0, nil)
            }
        }
        guard code == MOSQ_ERR_SUCCESS.rawValue else {
            logger.warning("MQTT unsubscribe before stop failed", metadata: ["error": "\(MQTTError.library(call: "mosquitto_unsubscribe_multiple", code: code))"])
            return false
        }
        unsubscribeMid = mid
        unsubscribed = false
        return true
    }

    func onUnsubscribe(mid: Int32) {
        if mid == unsubscribeMid { unsubscribed = true }
    }

    func onDisconnect(code: Int32) {
        settleHeld(confirmed: false)
        if leftThisConnection > 0 {
            logger.notice(
                "MQTT messages that arrived after the broker closed the connection were left for it to deliver again",
                metadata: ["messages": "\(leftThisConnection)"])
            leftThisConnection = 0
        }
        let reason: String
        if code == 0 {
            reason = "disconnected"
        } else if code >= 0x80 {
            reason = "broker disconnected: \(String(cString: mosquitto_reason_string(code)))"
        } else {
            reason = "connection lost: \(String(cString: mosquitto_strerror(code)))"
        }
        report(machine.connectionLost(reason, nowNanos: Mosquitto.monotonicNanos(), jitter: .random(in: 0...1)))
    }

    @inline(__always)
    func onMessage(_ message: UnsafePointer<mosquitto_message>) {
        messageCount &+= 1
        let m = message.pointee
        if probeMid != nil {
            hold(m)
            return
        }
        if peerClosed && m.qos > 0 {
            leftForRedelivery.add(1, ordering: .relaxed)
            leftThisConnection &+= 1
            return
        }
        let topic = UnsafeRawBufferPointer(start: m.topic, count: m.topic.map { strlen($0) } ?? 0)
        let payload = UnsafeRawBufferPointer(start: m.payload, count: Int(max(m.payloadlen, 0)))
        handler?.handleMessage(topic: topic, payload: payload, qos: Int(m.qos), retained: m.retain)
    }

    /// A QoS 1 publish of this client was acknowledged: the probe's, or one for the handler.
    func onPublished(mid: Int32) {
        publishesAcknowledged.add(1, ordering: .relaxed)
        if let probeMid, probeMid == mid {
            settleHeld(confirmed: true)
        } else {
            handler?.handlePublishAcknowledged(mid: mid)
        }
    }

    /// The loop stalled: publish the probe before reading on (its PUBACK is queued ahead of the
    /// PUBACKs of what is read next) and hold what arrives until the broker answers it.
    func startProbe(_ mosq: OpaquePointer?) {
        guard let probe, let probeTopic, probeMid == nil else { return }
        var mid: Int32 = 0
        let code = probe.payload.withUnsafeBytes { bytes in
            mosquitto_publish(mosq, &mid, probeTopic, Int32(clamping: bytes.count), bytes.baseAddress, 1, false)
        }
        guard code == MOSQ_ERR_SUCCESS.rawValue else {
            logger.warning("MQTT stall probe not sent", metadata: ["error": "\(MQTTError.library(call: "mosquitto_publish", code: code))"])
            return
        }
        publishesQueued.add(1, ordering: .relaxed)
        logger.notice("MQTT loop stalled: holding what arrives until the broker confirms the session is still ours",
                      metadata: ["probe_topic": "\(probe.topic)"])
        probeMid = mid
    }

    private func hold(_ m: mosquitto_message) {
        let topic = UnsafeRawBufferPointer(start: m.topic, count: m.topic.map { strlen($0) } ?? 0)
        let payload = UnsafeRawBufferPointer(start: m.payload, count: Int(max(m.payloadlen, 0)))
        held.append(HeldMessage(topic: Array(topic), payload: Array(payload), qos: Int(m.qos), retained: m.retain))
        heldBytes += topic.count + payload.count
        if held.count >= StallProbe.maxHeldMessages || heldBytes >= StallProbe.maxHeldBytes {
            // Bounded: hand them over unconfirmed (a duplicate is possible, a loss is not).
            heldOverflow.add(UInt64(held.count), ordering: .relaxed)
            logger.warning("MQTT stall probe: hold full, handing over unconfirmed", metadata: ["messages": "\(held.count)"])
            settleHeld(confirmed: true)
        }
    }

    /// Ends a probe. Confirmed: the held messages are this session's, handed over in order.
    /// Not (the connection ended first): QoS 0 ones are handed over (nobody delivers them
    /// again), QoS ≥ 1 ones are left for the broker to deliver again.
    private func settleHeld(confirmed: Bool) {
        guard probeMid != nil else { return }
        probeMid = nil
        let messages = held
        held = []
        heldBytes = 0
        var left: UInt64 = 0
        for message in messages {
            if !confirmed && message.qos > 0 {
                left += 1
                continue
            }
            message.topic.withUnsafeBytes { topic in
                message.payload.withUnsafeBytes { payload in
                    handler?.handleMessage(topic: topic, payload: payload, qos: message.qos, retained: message.retained)
                }
            }
        }
        if left > 0 {
            leftForRedelivery.add(left, ordering: .relaxed)
            leftThisConnection &+= left
        }
        if confirmed {
            logger.notice("MQTT stall probe confirmed: held messages handed over", metadata: ["messages": "\(messages.count)"])
        }
    }

    /// Installed only while connecting, to keep the library's reason for a failed
    /// handshake (for example "certificate verify failed").
    func onLog(level: Int32, text: UnsafePointer<CChar>?) {
        guard let text else { return }
        let line = String(cString: text)
        logger.debug("libmosquitto: \(line)")
        if level & Int32(MOSQ_LOG_ERR) != 0 {
            machine.noteFailure(line)
        }
    }
}
