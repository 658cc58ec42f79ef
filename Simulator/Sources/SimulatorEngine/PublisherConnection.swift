import Foundation
public import Logging
public import MQTT
import Synchronization

/// One MQTT connection of the simulator, publishing its share of the devices from the
/// client's own loop thread (in `handleIdle`, so a publish costs no thread wake-up).
///
/// Rate control is a `PublishSchedule`; at QoS 1 at most `window` messages await PUBACK.
/// It stops by itself at its reading limit or deadline, after every message is written
/// (QoS 0) or acknowledged (QoS 1), or when `stop()` is called (SIGINT).
public final class PublisherConnection<Source: MessageSource>: MQTTMessageHandler, @unchecked Sendable {
    // @unchecked: everything mutable is touched only on the client's loop thread, except
    // `stopRequested` (Atomic) and `snapshot` (Mutex).
    public let client: MQTTClient
    private var source: Source
    private var schedule: PublishSchedule
    private let qos: Int
    private let window: Int64
    private let readingLimit: Int64
    private let deadlineNanos: UInt64
    private var tally: ConnectionTally
    private var topic: [UInt8] = []
    private var payload: [UInt8] = []
    private var finishing = false
    private var flushed = false
    private var giveUpNanos: UInt64 = .max
    /// Per device index: whether its publish times are kept.
    private let watched: [Bool]
    private let disconnectEveryNanos: UInt64?
    private var nextDropNanos: UInt64 = .max
    private var connected = false
    private let stopRequested = Atomic<Bool>(false)
    private let snapshot: Mutex<ConnectionTally>
    private var lastSnapshotNanos: UInt64 = 0
    private let logger: Logger

    /// - Parameters:
    ///   - rate: messages per second for this connection (0 = flat out).
    ///   - readingLimit: stop after this many readings (`Int64.max` = no limit).
    ///   - deadlineNanos: stop publishing at this monotonic time.
    ///   - disconnectEvery: drop the connection abruptly this often (a fault), first after `firstDisconnect`.
    public init(
        configuration: MQTTConfiguration, source: Source, devices: Int, rate: Double, qos: Int, window: Int,
        readingLimit: Int64, deadlineNanos: UInt64, disconnectEvery: Duration? = nil, firstDisconnect: Duration? = nil,
        watchedDevices: Set<Int> = [], tracksDelivery: Bool = false, logger: Logger
    ) throws {
        watched = (0..<devices).map { watchedDevices.contains($0) }
        client = try MQTTClient(configuration: configuration, logger: logger)
        self.source = source
        schedule = PublishSchedule(rate: rate, maxBurst: 128)
        self.qos = qos
        self.window = Int64(max(1, window))
        self.readingLimit = readingLimit
        self.deadlineNanos = deadlineNanos
        tally = ConnectionTally(devices: devices)
        if tracksDelivery { tally.delivery = Array(repeating: DeliveryLedger(), count: devices) }
        snapshot = Mutex(ConnectionTally(devices: 0))
        self.logger = logger
        disconnectEveryNanos = disconnectEvery.map { Self.nanos($0) }
        if let disconnectEvery {
            nextDropNanos = Self.monotonicNanos() &+ Self.nanos(firstDisconnect ?? disconnectEvery)
        }
        topic.reserveCapacity(256)
        payload.reserveCapacity(70_000)
    }

    /// Runs on the calling thread until done; returns what it published.
    public func run() -> ConnectionTally {
        client.run(handler: self, pollInterval: .milliseconds(1))
        snapshot.withLock { $0 = tally }
        return tally
    }

    /// Stops publishing (thread-safe); the connection then waits for outstanding acks briefly.
    public func stop() {
        stopRequested.store(true, ordering: .relaxed)
    }

    /// The counts so far, refreshed about every 100 ms (for the progress line).
    public var progress: ConnectionTally { snapshot.withLock { $0 } }

    public func handleMessage(topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, qos: Int, retained: Bool) {}

    public func handleConnectionState(_ state: MQTTConnectionState) {
        connected = state == .connected
    }

    public func handlePublishAcknowledged(mid: Int32) {
        tally.acknowledged += 1
        // The run's rate is measured to the last acknowledgement (QoS 1) or write (QoS 0).
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        tally.lastAckNanos = UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    public func handleIdle(nowNanos: UInt64) {
        if nowNanos &- lastSnapshotNanos > 100_000_000 {
            lastSnapshotNanos = nowNanos
            let copy = tally
            snapshot.withLock {
                $0.messages = copy.messages; $0.readings = copy.readings; $0.errors = copy.errors
                $0.acknowledged = copy.acknowledged; $0.disconnects = copy.disconnects
            }
        }
        if !finishing && (stopRequested.load(ordering: .relaxed) || nowNanos >= deadlineNanos
            || tally.readings >= readingLimit || source.isExhausted) {
            finishing = true
            giveUpNanos = min(nowNanos, deadlineNanos) &+ 5_000_000_000
        }
        if finishing {
            // Send what the source still holds back (so no seq handed out goes unsent), then
            // done when everything is acknowledged (QoS 1) or written, or 5 s after the deadline.
            if connected && !flushed { flushHeldMessages(nowNanos: nowNanos) }
            if (flushed && (tally.acknowledged >= tally.messages || !connected)) || nowNanos >= giveUpNanos {
                client.requestStop()
            }
            return
        }
        guard connected else { return }
        if let every = disconnectEveryNanos, nowNanos >= nextDropNanos {
            // An abrupt disconnect: stop publishing until what was sent is written/acknowledged
            // (so the counts stay exact at both QoS levels), then drop the socket.
            if tally.acknowledged >= tally.messages {
                client.dropConnection()
                tally.disconnects += 1
                nextDropNanos = nowNanos &+ every
                connected = false
            }
            return
        }
        let inflight = tally.messages - tally.acknowledged
        var budget = schedule.release(nowNanos: nowNanos, limit: .max)
        if qos > 0 { budget = min(budget, Int(max(0, window - inflight))) }
        let wallMillis = Self.wallClockMillis()
        while budget > 0 && tally.readings < readingLimit {
            topic.removeAll(keepingCapacity: true)
            payload.removeAll(keepingCapacity: true)
            // A silent device's tick (or a replayed message not yet due) uses its slot in the
            // schedule but publishes nothing.
            budget -= 1
            guard let facts = source.next(wallMillis: wallMillis, topic: &topic, payload: &payload) else { continue }
            publishRendered(facts, nowNanos: nowNanos)
        }
    }

    private func flushHeldMessages(nowNanos: UInt64) {
        let wallMillis = Self.wallClockMillis()
        while true {
            topic.removeAll(keepingCapacity: true)
            payload.removeAll(keepingCapacity: true)
            guard let facts = source.flush(wallMillis: wallMillis, topic: &topic, payload: &payload) else { break }
            publishRendered(facts, nowNanos: nowNanos)
        }
        flushed = true
    }

    private func publishRendered(_ facts: MessageFacts, nowNanos: UInt64) {
        let sent = topic.withUnsafeBytes { topicBytes in
            payload.withUnsafeBytes { payloadBytes in
                Result { () throws(MQTTError) in try client.publish(topic: topicBytes, payload: payloadBytes, qos: qos) }
            }
        }
        switch sent {
        case .success:
            tally.record(facts, nowNanos: nowNanos)
            if !tally.delivery.isEmpty, facts.device < tally.delivery.count, facts.malformed == nil {
                // The core sees -1 for a reading whose payload had no seq.
                let seqs = facts.seqInPayload ? facts.seq...max(facts.seq, facts.lastSeq) : -1 ... -1
                tally.delivery[facts.device].record(seqs: seqs, readings: facts.readings, micros: Self.wallClockMicros())
            }
            if facts.seq >= 0, facts.device < watched.count, watched[facts.device] {
                let micros = Self.wallClockMicros()
                for seq in facts.seq...max(facts.seq, facts.lastSeq) {
                    let key = ConnectionTally.PublishKey(device: facts.device, seq: seq, sensor: facts.sensor)
                    if tally.publishedAt[key] == nil { tally.publishedAt[key] = micros }  // a duplicate keeps the first
                }
            }
        case .failure(let error):
            tally.errors += 1
            if tally.errors <= 3 { logger.warning("publish failed", metadata: ["error": "\(error)"]) }
        }
    }

    static func nanos(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    static func monotonicNanos() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    static func wallClockMicros() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
    }

    static func wallClockMillis() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000 + Int64(now.tv_nsec) / 1_000_000
    }
}
