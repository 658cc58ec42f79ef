import Clocks
import Foundation
import Readings
import Logging
import NIOCore
import Spool
import Webhooks

/// The batch lane: sends sealed batches from the spool to the core (`POST /api/v1/batches`,
/// gzip, `Idempotency-Key: <edge>:<spool>:<seq>`), several in flight, and deletes each from the spool
/// only after the core acknowledged it (2xx). At-least-once sending; the core stores once.
///
/// The decisions are ``BatchWindow``'s; this shell lists batches, compresses each once, runs the
/// requests as child tasks and deletes what was acknowledged. It wakes on a new sealed batch
/// (``notifySealed()``, from the spool writer thread), a finished request or a timer.
final class BatchForwarder: Sendable {
    enum Event: Sendable {
        case sealed
        case wake
        case completed(seq: Int64, outcome: ForwardOutcome, bytes: Int)
        case stop
    }

    struct Settings: Sendable {
        var edgeID: String
        var spoolPath: String
        var inFlight: Int
        var maxRate: Int
        var backoff: RetryPolicy
        /// How long a batch the core refused waits before it is tried again.
        var parkFor: Duration
        /// Gauges (backlog) are refreshed this often.
        var gaugeInterval: Duration = .seconds(1)
        /// Listing is also retried this often without a signal (a missed one, another writer).
        var pollInterval: Duration = .milliseconds(500)
    }

    private let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let settings: Settings
    private let metrics: EdgeMetrics
    private let logger: Logger

    init(settings: Settings, metrics: EdgeMetrics, logger: Logger) {
        (events, continuation) = AsyncStream.makeStream(of: Event.self)
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
    }

    /// A batch was sealed; called on the spool writer thread, never blocks.
    func notifySealed() {
        continuation.yield(.sealed)
    }

    /// Stop starting requests; `run()` returns once those in flight have ended.
    func stop() {
        continuation.yield(.stop)
    }

    /// Runs until ``stop()`` (and the requests in flight end) or cancellation.
    func run(client: CoreClient) async throws {
        let outbox = try SpoolOutbox(path: settings.spoolPath)
        var loop = Loop(
            client: client,
            window: BatchWindow(
                settings: .init(inFlight: settings.inFlight, parkMillis: settings.parkFor.milliseconds),
                failover: CoreFailover(urlCount: client.urls.count, backoff: settings.backoff),
                rate: RateCap(perSecond: settings.maxRate)),
            outbox: outbox)
        await withDiscardingTaskGroup { group in
            group.addTask { [continuation, settings] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: settings.pollInterval)
                    continuation.yield(.wake)
                }
            }
            pump(&loop, group: &group)
            for await event in events {
                switch event {
                case .sealed, .wake: break
                case .completed(let seq, let outcome, let bytes): completed(&loop, seq: seq, outcome: outcome, bytes: bytes)
                case .stop:
                    loop.window.drain()
                    logger.info("forwarder stopping; waiting for the requests in flight", metadata: ["in_flight": "\(loop.window.inFlightCount)"])
                }
                pump(&loop, group: &group)
                if loop.window.draining && loop.window.inFlightCount == 0 { break }
            }
            group.cancelAll()
        }
        flushDeletes(&loop)
        publishGauges(&loop, force: true)
        logger.info("forwarder stopped", metadata: ["acknowledged_batches": "\(loop.acknowledgedBatches)"])
    }

    /// A batch ready to send: gzip of the spooled body with the definitions it needs added.
    struct PreparedBody {
        var compressed: ByteBuffer
        /// The dictionary keys the batch uses (empty for an inline batch).
        var keys: [UInt32]
        var definesAll: Bool
    }

    /// The loop's state; owned by `run()`.
    struct Loop {
        let client: CoreClient
        var window: BatchWindow
        let outbox: SpoolOutbox
        let started = ContinuousClock.now
        /// Compressed bodies, kept while their batch may be sent again.
        var bodies: [Int64: PreparedBody] = [:]
        /// Series keys the core is believed to know (sent batches define only the others).
        var known = CoreKnownKeys()
        /// Acknowledged, not yet deleted (a delete that failed is retried).
        var toDelete: [Int64] = []
        var scheduledWake: Int64?
        var gaugesAt: Int64?
        var acknowledgedBatches = 0
        var acknowledgedBytes = 0
        var acknowledgedReadings = 0
        var failing = false
        var random = SystemRandomNumberGenerator()

        var nowMillis: Int64 { (ContinuousClock.now - started).milliseconds }
    }

    private func pump(_ loop: inout Loop, group: inout DiscardingTaskGroup) {
        flushDeletes(&loop)
        let wanted = loop.window.wanted
        if wanted > 0 {
            do {
                loop.window.add(try loop.outbox.waiting(after: loop.window.listedThrough, limit: wanted))
            } catch {
                logger.error("forwarder cannot list the spool", metadata: ["error": "\(error)"])
            }
        }
        let now = loop.nowMillis
        for send in loop.window.nextSends(nowMillis: now) {
            let seq = send.batch.seq
            guard let body = compressedBody(&loop, seq: seq, defineAll: send.defineAll) else {
                loop.window.forget(seq: seq)  // dropped by the byte limit meanwhile
                continue
            }
            let path = "/api/v1/batches"
            let key = Batch.idempotencyKey(edge: settings.edgeID, spool: send.batch.spool, seq: seq)
            group.addTask { [client = loop.client, continuation] in
                let outcome = await client.post(
                    path: path, urlIndex: send.ticket.url, body: body, gzipped: true, idempotencyKey: key,
                    acknowledgedBy: ["stored", "duplicate"])
                continuation.yield(.completed(seq: seq, outcome: outcome, bytes: body.readableBytes))
            }
        }
        if let wake = loop.window.nextWakeMillis(nowMillis: now), wake < (loop.scheduledWake.flatMap { $0 > now ? $0 : nil } ?? .max) {
            loop.scheduledWake = wake
            group.addTask { [continuation] in
                try? await Task.sleep(for: .milliseconds(wake - now))
                continuation.yield(.wake)
            }
        }
        publishGauges(&loop, force: false)
    }

    /// The body to send for `seq`: the spooled batch with definitions for the keys the core may
    /// not know (every key with `defineAll`), compressed once and kept for retries.
    private func compressedBody(_ loop: inout Loop, seq: Int64, defineAll: Bool) -> ByteBuffer? {
        if let cached = loop.bodies[seq], cached.definesAll || !defineAll { return cached.compressed }
        do {
            guard let stored = try loop.outbox.stored(seq: seq) else { return nil }
            var raw = stored.body
            if let keys = stored.keys {
                let toDefine = loop.known.toDefine(keys, all: defineAll)
                raw = BatchCodec.addingDefinitions(try loop.outbox.definitions(of: toDefine), to: raw)
            }
            let prepared = PreparedBody(compressed: try Gzip.compress(raw), keys: stored.keys ?? [], definesAll: defineAll || stored.keys == nil)
            loop.bodies[seq] = prepared
            return prepared.compressed
        } catch {
            logger.error("forwarder cannot read or compress a batch; it stays in the spool", metadata: ["seq": "\(seq)", "error": "\(error)"])
            return nil
        }
    }

    private func completed(_ loop: inout Loop, seq: Int64, outcome: ForwardOutcome, bytes: Int) {
        metrics.forwardBytesSent.increment(by: Int64(bytes))
        let completion = loop.window.completed(seq: seq, outcome, nowMillis: loop.nowMillis, using: &loop.random)
        switch completion {
        case .delete(let batch, let attempts):
            if let keys = loop.bodies[seq]?.keys { loop.known.acknowledged(keys) }
            loop.bodies[seq] = nil
            loop.toDelete.append(seq)
            loop.acknowledgedBatches += 1
            loop.acknowledgedBytes += bytes
            loop.acknowledgedReadings += batch.readings
            metrics.forwardBatchesSent.increment()
            metrics.forwardReadingsSent.increment(by: Int64(batch.readings))
            let latency = max(0, WallClock.millis() - batch.sealedMillis)
            metrics.forwardLatency.recordMilliseconds(latency)
            metrics.forwardBytesPerReading.record(Double(loop.acknowledgedBytes) / Double(max(1, loop.acknowledgedReadings)))
            if loop.failing {
                loop.failing = false
                logger.notice("core acknowledges batches again", metadata: ["url": "\(loop.client.urls[loop.window.failover.current])"])
            }
            logger.trace("batch acknowledged", metadata: ["seq": "\(seq)", "attempts": "\(attempts)", "bytes": "\(bytes)"])
        case .retry(let moved):
            loop.failing = true
            if let reason = outcome.failureReason { metrics.forwardBatchFailures[reason]?.increment() }
            var metadata: Logger.Metadata = ["seq": "\(seq)", "outcome": "\(Self.describe(outcome))"]
            if case .unauthorized = outcome {
                logger.error("core refused this edge's token: nothing is deleted; check forward.token_file on the edge and the token on the core", metadata: metadata)
            } else {
                logger.warning("batch not delivered; the lane backs off and retries", metadata: metadata)
            }
            if moved {
                metrics.forwardFailovers.increment()
                metadata["now_using"] = "\(loop.client.urls[loop.window.failover.current])"
                logger.notice("switching to the next core URL", metadata: metadata)
            }
        case .resendDefined:
            metrics.forwardBatchFailures["unknown_series"]?.increment()
            // The core lost (or never had) keys this edge believed it knows: believe nothing,
            // so every batch from now on defines what it uses until the core acknowledges it.
            loop.known.forgetAll()
            loop.bodies.removeAll()
            logger.notice("core does not know some of this edge's series keys (restored or replaced?); sending the batch again with its series defined", metadata: ["seq": "\(seq)"])
        case .parked(let until, let attempts):
            metrics.forwardBatchFailures["rejected"]?.increment()
            loop.bodies[seq] = nil  // held for a long time: compress again when it is retried
            logger.error("core refused a batch: it stays in the spool and is retried later", metadata: [
                "seq": "\(seq)", "outcome": "\(Self.describe(outcome))", "attempts": "\(attempts)",
                "retry_in_s": "\((until - loop.nowMillis) / 1_000)",
            ])
        case .unknown:
            break
        }
    }

    private func flushDeletes(_ loop: inout Loop) {
        guard !loop.toDelete.isEmpty else { return }
        do {
            try loop.outbox.delete(seqs: loop.toDelete)
            loop.toDelete.removeAll()
        } catch {
            // Kept and retried; should the process stop first, the core gets a repeat (answers 200).
            logger.error("forwarder cannot delete acknowledged batches; will retry", metadata: ["error": "\(error)", "batches": "\(loop.toDelete.count)"])
        }
    }

    private func publishGauges(_ loop: inout Loop, force: Bool) {
        let now = loop.nowMillis
        guard force || loop.gaugesAt.map({ now - $0 >= settings.gaugeInterval.milliseconds }) ?? true else { return }
        loop.gaugesAt = now
        metrics.forwardBatchesParked.record(loop.window.parkedCount)
        guard let backlog = try? loop.outbox.backlog() else { return }
        metrics.forwardBacklogBatches.record(backlog.batches)
        metrics.forwardBacklogReadings.record(backlog.readings)
        let age = backlog.oldestSealedMillis.map { max(0, WallClock.millis() - $0) } ?? 0
        metrics.forwardBacklogOldestAge.record(Double(age) / 1_000)
    }

    static func describe(_ outcome: ForwardOutcome) -> String {
        switch outcome {
        case .acknowledged(let status): "HTTP \(status)"
        case .unreachable(let reason): "unreachable: \(reason)"
        case .serverError(let status): "HTTP \(status)"
        case .foreignAnswer(let status): "HTTP \(status), but not haetae-core's answer (a proxy, a portal or a wrong URL?)"
        case .throttled(let status, let retryAfter): "HTTP \(status)" + (retryAfter.map { ", Retry-After \($0 / 1_000) s" } ?? "")
        case .unauthorized(let status): "HTTP \(status) (token refused)"
        case .unknownSeries(let status): "HTTP \(status) (series keys unknown to the core)"
        case .rejected(let status): "HTTP \(status) (refused)"
        }
    }
}
