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
        let topic = UnsafeRawBufferPointer(start: m.topic, count: m.topic.map { strlen($0) } ?? 0)
        let payload = UnsafeRawBufferPointer(start: m.payload, count: Int(max(m.payloadlen, 0)))
        handler?.handleMessage(topic: topic, payload: payload, qos: Int(m.qos), retained: m.retain)
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
