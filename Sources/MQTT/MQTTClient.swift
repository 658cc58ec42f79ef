import CMosquitto
public import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One MQTT session over libmosquitto: connect, subscribe, receive, publish, reconnect.
///
/// Owns exactly one `mosquitto *` handle (created in `init`, destroyed in `deinit`).
/// ``run(handler:pollInterval:)`` drives the connection on the calling thread with its own
/// `poll()` loop and blocks until ``requestStop()``; messages go to the handler on that
/// thread without copies, locks or allocations.
///
/// ```swift
/// let client = try MQTTClient(configuration: configuration, logger: logger)
/// let thread = Thread { client.run(handler: ingest) }   // a dedicated thread
/// thread.start()
/// …
/// client.requestStop()
/// ```
///
/// Threading: `run` on one thread at a time; `publish`, `requestStop` and `connectionState`
/// from any thread.
// @unchecked Sendable: the handle is used by run() on one thread and by publish() from any thread, which libmosquitto guards with its own mutexes (and, threaded_set, only queues); all other state is in Mutex/Atomic or confined to run().
public final class MQTTClient: @unchecked Sendable {
    let handle: OpaquePointer
    let context: LoopContext
    let configuration: MQTTConfiguration
    let logger: Logger
    let wake: WakePipe
    let stopFlag = Atomic<Bool>(false)
    /// Set by ``dropConnection()``; the loop closes the socket once libmosquitto's queue is written.
    let dropFlag = Atomic<Bool>(false)
    /// Set by ``setHeld(_:)``: the loop neither connects nor stays connected.
    let holdFlag = Atomic<Bool>(false)
    /// The will sent with the next CONNECT (``setWill(_:)``).
    let nextWill = Mutex<MQTTWill?>(nil)
    /// `pthread_self()` of the thread inside `run`, 0 when not running.
    let loopThread = Atomic<UInt>(0)

    var isLoopThread: Bool { loopThread.load(ordering: .relaxed) == UInt(bitPattern: Int(bitPattern: pthread_self())) }
    let running = Atomic<Bool>(false)
    /// Held by `mosquitto_publish` from any thread and by ``discardQueuedPublishes()``, which
    /// re-creates the handle's state: the two must not overlap.
    let handleLock = Mutex(())
    /// QoS ≥ 1 publishes dropped from libmosquitto's queue when a hold began after the session
    /// was lost (``publishesDiscarded``).
    let discarded = Atomic<UInt64>(0)

    /// Validates the configuration and prepares the handle; no I/O happens until `run`.
    /// - Throws: ``MQTTError`` naming the configuration value or libmosquitto call that failed
    ///   (for example an unreadable TLS file).
    public init(configuration: MQTTConfiguration, logger: Logger) throws(MQTTError) {
        _ = Mosquitto.initialised
        try Self.validate(configuration)
        var logger = logger
        logger[metadataKey: "mqtt.client_id"] = "\(configuration.clientID)"
        self.configuration = configuration
        self.logger = logger
        wake = try WakePipe()
        context = LoopContext(configuration: configuration, logger: logger)

        let userdata = Unmanaged.passUnretained(context).toOpaque()
        guard let handle = mosquitto_new(configuration.clientID, configuration.cleanSession, userdata) else {
            throw MQTTError.library(call: "mosquitto_new", code: errno == ENOMEM ? MOSQ_ERR_NOMEM.rawValue : MOSQ_ERR_INVAL.rawValue)
        }
        self.handle = handle
        // From here on deinit frees the handle, even if a step below throws.
        try configure()
    }

    deinit {
        mosquitto_destroy(handle)
    }

    /// The current state; safe from any thread.
    public var connectionState: MQTTConnectionState {
        context.published.withLock { $0 }
    }

    /// Asks ``run(handler:pollInterval:)`` to send a clean DISCONNECT and return.
    /// Safe from any thread (and from the handler); returns at once. A stop requested
    /// before `run` starts makes that `run` return immediately.
    public func requestStop() {
        stopFlag.store(true, ordering: .releasing)
        wake.wake()
    }

    /// Closes the connection abruptly, without a DISCONNECT packet, as a device losing power
    /// or its network would (the broker sees the socket close and publishes any will).
    /// What libmosquitto has already queued is written first, so nothing published before
    /// the call is discarded on this side; the client then reconnects per its policy.
    /// Safe from any thread; returns at once.
    public func dropConnection() {
        dropFlag.store(true, ordering: .releasing)
        if !isLoopThread { wake.wake() }
    }

    /// Holds the session: while held the client does not connect, and a connected client sends
    /// a clean DISCONNECT (what libmosquitto queued, PUBACKs included, is written first) and
    /// stays away until released. Once held and disconnected, QoS ≥ 1 messages still queued or
    /// unacknowledged are dropped (``publishesDiscarded``): libmosquitto would otherwise send
    /// them on the next connection, perhaps minutes later and under another holder's epoch. For an edge that stands by while another holds the site's
    /// session. Safe from any thread; returns at once (watch ``connectionState``).
    public func setHeld(_ held: Bool) {
        holdFlag.store(held, ordering: .releasing)
        if !isLoopThread { wake.wake() }
    }

    /// Sets (or clears) the will of the next connection; a connection already up keeps the will
    /// it connected with. Safe from any thread.
    public func setWill(_ will: MQTTWill?) {
        nextWill.withLock { $0 = will }
    }

    /// QoS 1 and 2 messages of a persistent session that arrived after the broker had closed the
    /// connection (it took the session over, or dropped a client that stopped answering): they
    /// were not handed to the handler, since no PUBACK could reach the broker any more and it
    /// delivers them again to whoever holds the session next. Safe from any thread.
    public var messagesLeftForRedelivery: UInt64 { context.leftForRedelivery.load(ordering: .relaxed) }

    /// QoS 1 and 2 messages this client had queued or sent without an acknowledgement when it was
    /// held after losing the session (``setHeld(_:)``), and dropped rather than sent on its next
    /// connection: they were the previous holder's acts (a stop command, an alert record), and
    /// whoever holds the session now decides anew. Safe from any thread.
    public var publishesDiscarded: UInt64 { discarded.load(ordering: .relaxed) }

    /// Messages a stall probe held and handed over unconfirmed because the hold was full
    /// (``StallProbe/maxHeldMessages``): each may also be handled by the next holder.
    public var messagesHandedOverUnconfirmed: UInt64 { context.heldOverflow.load(ordering: .relaxed) }

    /// Queues a PUBLISH from bytes, for publishers on the hot path: no `String` per message.
    /// `topic` is UTF-8 without a terminating NUL (at most 1 KiB here). Safe from any thread;
    /// from the loop thread (inside a handler) it costs no wake-up.
    @discardableResult
    public func publish(topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, qos: Int, retain: Bool = false) throws(MQTTError) -> Int32 {
        guard (0...2).contains(qos), topic.count < 1_024 else {
            throw .invalidConfiguration(topic.count >= 1_024 ? "publish topic longer than 1 KiB" : "publish QoS \(qos) is not 0, 1 or 2")
        }
        var mid: Int32 = 0
        let code = withUnsafeTemporaryAllocation(of: CChar.self, capacity: topic.count + 1) { name in
            // libmosquitto wants a C string: copy the topic onto the stack with its NUL.
            _ = UnsafeMutableRawBufferPointer(name).initializeMemory(as: UInt8.self, from: topic)
            name[topic.count] = 0
            return handleLock.withLock { _ in
                let code = mosquitto_publish(handle, &mid, name.baseAddress, Int32(clamping: payload.count), payload.baseAddress, Int32(qos), retain)
                if code == MOSQ_ERR_SUCCESS.rawValue, qos > 0 { context.publishesQueued.add(1, ordering: .relaxed) }
                return code
            }
        }
        if code != MOSQ_ERR_SUCCESS.rawValue {
            try check(code, "mosquitto_publish(topic: \(String(decoding: topic.prefix(200), as: UTF8.self)))")
        }
        if !isLoopThread { wake.wake() }
        return mid
    }

    /// Queues a PUBLISH; the loop thread sends it. Safe from any thread.
    ///
    /// QoS ≥ 1 messages published while disconnected are kept by libmosquitto and sent after
    /// the reconnection; QoS 0 fails with `MOSQ_ERR_NO_CONN` then.
    /// - Returns: the message id libmosquitto assigned.
    @discardableResult
    public func publish(topic: String, payload: some Collection<UInt8>, qos: Int, retain: Bool = false) throws(MQTTError) -> Int32 {
        guard (0...2).contains(qos) else {
            throw .invalidConfiguration("publish QoS \(qos) is not 0, 1 or 2")
        }
        var mid: Int32 = 0
        let send = { (bytes: UnsafeBufferPointer<UInt8>) -> Int32 in
            self.handleLock.withLock { _ in
                let code = mosquitto_publish(self.handle, &mid, topic, Int32(clamping: bytes.count), bytes.baseAddress, Int32(qos), retain)
                if code == MOSQ_ERR_SUCCESS.rawValue, qos > 0 { self.context.publishesQueued.add(1, ordering: .relaxed) }
                return code
            }
        }
        let code = payload.withContiguousStorageIfAvailable(send) ?? Array(payload).withUnsafeBufferPointer(send)
        try check(code, "mosquitto_publish(topic: \(topic))")
        // From the loop thread itself (a handler publishing in handleIdle) the loop writes
        // next anyway: no wake-up syscall per message.
        if !isLoopThread { wake.wake() }
        return mid
    }

    // MARK: Setup

    private static func validate(_ configuration: MQTTConfiguration) throws(MQTTError) {
        guard (1...65535).contains(configuration.port) else {
            throw .invalidConfiguration("port \(configuration.port) is not in 1…65535")
        }
        guard (5...65535).contains(configuration.keepalive) else {
            throw .invalidConfiguration("keepalive \(configuration.keepalive)s is not in 5…65535")
        }
        guard (0...2).contains(configuration.qos) else {
            throw .invalidConfiguration("subscription QoS \(configuration.qos) is not 0, 1 or 2")
        }
        guard configuration.cleanSession || !configuration.clientID.isEmpty else {
            throw .invalidConfiguration("a persistent session (cleanSession false) needs a client id")
        }
        for filter in configuration.subscriptions {
            try check(mosquitto_sub_topic_check(filter), "mosquitto_sub_topic_check(filter: \(filter))")
        }
    }

    private func configure() throws(MQTTError) {
        // Only the loop thread touches the socket: publish() from other threads just queues.
        try check(mosquitto_threaded_set(handle, true), "mosquitto_threaded_set")
        let version = Int32(configuration.protocolVersion == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311)
        try check(
            mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, version),
            "mosquitto_int_option(PROTOCOL_VERSION)")
        try check(mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1), "mosquitto_int_option(TCP_NODELAY)")
        if configuration.protocolVersion == .v5 {
            // The default receive maximum (20) would let the broker keep only 20 QoS 1
            // messages in flight to us: the stream would wait on round trips.
            try check(
                mosquitto_int_option(handle, MOSQ_OPT_RECEIVE_MAXIMUM, 65535),
                "mosquitto_int_option(RECEIVE_MAXIMUM)")
        }
        try check(
            mosquitto_max_inflight_messages_set(handle, UInt32(clamping: max(0, configuration.maxInflightPublishes))),
            "mosquitto_max_inflight_messages_set(\(configuration.maxInflightPublishes))")
        if configuration.username != nil || configuration.password != nil {
            // Deliberately no argument in the call name: it must never carry the password.
            try check(
                mosquitto_username_pw_set(handle, configuration.username, configuration.password),
                "mosquitto_username_pw_set")
        }
        if let tls = configuration.tls {
            try check(
                mosquitto_tls_set(handle, tls.caFile, nil, tls.certFile, tls.keyFile, nil),
                "mosquitto_tls_set(caFile: \(tls.caFile), certFile: \(tls.certFile ?? "-"), keyFile: \(tls.keyFile ?? "-"))")
            if tls.insecureSkipVerify {
                try check(mosquitto_tls_opts_set(handle, 0, nil, nil), "mosquitto_tls_opts_set(verify none)")
                try check(mosquitto_tls_insecure_set(handle, true), "mosquitto_tls_insecure_set")
            }
        }
        installCallbacks()
    }

    /// Drops everything libmosquitto holds to publish or resend, on the loop thread while the
    /// client is held and disconnected: the handle is re-initialised and configured again, as
    /// `init` left it. The next connection is a first one (``startConnect(first:)``).
    /// - Returns: how many QoS ≥ 1 messages were queued or unacknowledged.
    func discardQueuedPublishes() throws(MQTTError) -> UInt64 {
        let userdata = Unmanaged.passUnretained(context).toOpaque()
        return try handleLock.withLock { _ throws(MQTTError) -> UInt64 in
            let queued = context.publishesQueued.load(ordering: .relaxed)
            let acknowledged = context.publishesAcknowledged.exchange(queued, ordering: .relaxed)
            try check(
                mosquitto_reinitialise(handle, configuration.clientID, configuration.cleanSession, userdata), "mosquitto_reinitialise")
            try configure()
            return queued &- min(queued, acknowledged)
        }
    }

    private func installCallbacks() {
        mosquitto_connect_v5_callback_set(handle) { mosq, userdata, code, flags, _ in
            LoopContext.from(userdata).takeUnretainedValue().onConnect(mosq, code: code, flags: flags)
        }
        mosquitto_subscribe_v5_callback_set(handle) { mosq, userdata, mid, count, granted, _ in
            LoopContext.from(userdata).takeUnretainedValue().onSubscribe(mosq, mid: mid, count: count, granted: granted)
        }
        mosquitto_unsubscribe_callback_set(handle) { _, userdata, mid in
            LoopContext.from(userdata).takeUnretainedValue().onUnsubscribe(mid: mid)
        }
        mosquitto_disconnect_v5_callback_set(handle) { _, userdata, code, _ in
            LoopContext.from(userdata).takeUnretainedValue().onDisconnect(code: code)
        }
        mosquitto_publish_callback_set(handle) { _, userdata, mid in
            LoopContext.from(userdata)._withUnsafeGuaranteedRef { $0.onPublished(mid: mid) }
        }
        mosquitto_message_callback_set(handle) { _, userdata, message in
            // Hot path: no retain/release of the context, no copies.
            LoopContext.from(userdata)._withUnsafeGuaranteedRef { $0.onMessage(message!) }
        }
    }

    /// Hands libmosquitto the will for the CONNECT about to be sent.
    private func applyWill() throws(MQTTError) {
        guard let will = nextWill.withLock({ $0 }) else {
            try check(mosquitto_will_clear(handle), "mosquitto_will_clear")
            return
        }
        let code = will.payload.withUnsafeBytes { bytes in
            mosquitto_will_set(handle, will.topic, Int32(clamping: bytes.count), bytes.baseAddress, Int32(will.qos), will.retain)
        }
        try check(code, "mosquitto_will_set(topic: \(will.topic))")
    }

    /// Sends CONNECT (for MQTT 5 with the session-expiry property of a persistent session).
    /// The first successful call stores host and properties; later attempts reuse them
    /// through the non-blocking `mosquitto_reconnect_async`.
    func startConnect(first: Bool) throws(MQTTError) {
        mosquitto_log_callback_set(handle) { _, userdata, level, text in
            LoopContext.from(userdata).takeUnretainedValue().onLog(level: level, text: text)
        }
        try applyWill()
        guard first else {
            try check(mosquitto_reconnect_async(handle), "mosquitto_reconnect_async(\(configuration.host):\(configuration.port))")
            return
        }
        var properties: OpaquePointer? = nil
        defer { mosquitto_property_free_all(&properties) }
        if configuration.protocolVersion == .v5 && !configuration.cleanSession {
            try check(
                mosquitto_property_add_int32(
                    &properties, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue), configuration.sessionExpiryInterval),
                "mosquitto_property_add_int32(SESSION_EXPIRY_INTERVAL)")
        }
        try check(
            mosquitto_connect_bind_v5(
                handle, configuration.host, Int32(configuration.port), Int32(configuration.keepalive), nil, properties),
            "mosquitto_connect_bind_v5(\(configuration.host):\(configuration.port))")
    }
}
