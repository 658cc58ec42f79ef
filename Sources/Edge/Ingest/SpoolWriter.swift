import Clocks
import Foundation
public import Logging
import Readings
public import Spool

/// The spool writer thread: takes hand-offs from the receive thread and group-commits them.
///
/// All SQLite work happens here, never on the MQTT thread. A commit that fails (disk full, I/O
/// error) is retried with the same readings until it succeeds. Meanwhile the queue fills, and
/// then sheds the readings of new hand-offs (``HandoffQueue/setWriterFailing(_:)``) rather than
/// stop the receive thread, which would stop the rules, stop commands and the MQTT keepalive:
/// every shed reading is counted (`haetae_spool_dropped_total{reason="storage"}`), the edge
/// raises its `edge:spool-storage` alert, and `/readyz` says why. Ingest resumes by itself.
public final class SpoolWriter: @unchecked Sendable {  // used by its own thread only, after start
    private let spool: Spool
    private let queue: HandoffQueue
    private let metrics: EdgeMetrics
    private let health: EdgeHealth
    private var logger: Logger
    private let commitInterval: Duration
    private var rejectLog = RejectLogLimiter(interval: 10)
    private var pending: [Handoff] = []
    private var retryDelay: Duration = .milliseconds(50)
    private var lastFullCheck = ContinuousClock.now
    /// Told after a commit that sealed batches (the forwarder wakes); must not block.
    private let onSealed: @Sendable () -> Void
    /// Told when commits start failing (true, with the error) and succeed again (false); must not block.
    private let onStorageFault: @Sendable (_ failing: Bool, _ detail: String) -> Void
    private var failing = false
    /// The site page's latest values and history, fed with each hand-off taken.
    private let recent: RecentReadingsBook?

    init(
        spool: Spool, queue: HandoffQueue, metrics: EdgeMetrics, health: EdgeHealth, logger: Logger, commitInterval: Duration,
        recent: RecentReadingsBook? = nil,
        onSealed: @escaping @Sendable () -> Void = {},
        onStorageFault: @escaping @Sendable (_ failing: Bool, _ detail: String) -> Void = { _, _ in }
    ) {
        self.recent = recent
        self.onSealed = onSealed
        self.onStorageFault = onStorageFault
        self.spool = spool
        self.queue = queue
        self.metrics = metrics
        self.health = health
        self.logger = logger
        self.commitInterval = commitInterval
    }

    /// Runs until the queue is closed and everything in it is committed.
    public func run() {
        publishGauges()
        while true {
            if pending.isEmpty, waitWhileFull() {
                guard let taken = queue.takeAll(timeout: commitInterval) else { break }
                pending = taken
                recent?.record(taken)
            }
            if pending.isEmpty {
                commitOrRetry(tickOnly: true)
            } else {
                commitOrRetry(tickOnly: false)
            }
            metrics.handoffQueueDepth.record(queue.depth)
            countShedReadings()
        }
        countShedReadings()
        logger.info("spool writer stopped; everything accepted is committed",
                    metadata: ["spool_readings": "\(spool.readingCount)"])
    }

    /// Under `on_full: block`, does not take new hand-offs while the spool is full (the queue
    /// then fills and ingest pauses). Returns true when it may take more. Input that was
    /// already accepted is still committed at shutdown, even over the limit.
    private func waitWhileFull() -> Bool {
        guard spool.configuration.onFull == .block else { return true }
        let full = (try? spool.isFull()) ?? false
        if full != health.snapshot.spoolFull {
            queue.setWriterPaused(full)
            health.update { $0.spoolFull = full }
            metrics.spoolFull.record(full ? 1 : 0)
            if full {
                logger.warning("spool is full (on_full: block): ingest paused, the broker holds new messages",
                               metadata: ["max_bytes": "\(spool.configuration.maxBytes)"])
            } else {
                logger.info("spool has room again: ingest resumes")
            }
        }
        guard full else { return true }
        // Look again shortly; at shutdown everything accepted is committed anyway.
        if queue.isDraining { return true }
        Thread.sleep(forTimeInterval: 0.1)
        return false
    }

    private func commitOrRetry(tickOnly: Bool) {
        let started = ContinuousClock.now
        let now = WallClock.millis()
        do {
            var result = SpoolCommit()
            if tickOnly {
                result = try spool.tick(nowMillis: now)
            } else {
                result = try spool.commit(pending.map(\.columns), rejects: pending.flatMap(\.rejectSamples), nowMillis: now)
            }
            record(result, duration: ContinuousClock.now - started)
            if failing {
                failing = false
                queue.setWriterFailing(false)
                health.update { $0.spoolWritable = true; $0.spoolDetail = "" }
                logger.notice("spool writable again: ingest resumes")
                onStorageFault(false, "")
            }
            retryDelay = .milliseconds(50)
            while let handoff = pending.popLast() {
                queue.recycle(handoff.columns)
            }
        } catch {
            metrics.spoolCommitErrors.increment()
            health.update { $0.spoolWritable = false; $0.spoolDetail = "\(error)" }
            if !failing {
                failing = true
                queue.setWriterFailing(true)
                onStorageFault(true, "\(error)")
            }
            countShedReadings()
            if abandonAtShutdown() { return }
            logger.error("spool commit failed; retrying with the same readings",
                         metadata: ["error": "\(error)", "readings": "\(pending.reduce(0) { $0 + $1.columns.count })",
                                    "retry_in": "\(retryDelay)"])
            Thread.sleep(forTimeInterval: Double(retryDelay.components.seconds) + Double(retryDelay.components.attoseconds) * 1e-18)
            retryDelay = min(retryDelay * 2, .seconds(5))
        }
    }

    /// At shutdown a spool that still cannot be written after ``shutdownPatience`` will not
    /// take what is pending: it is counted as dropped (storage) and logged, so the process can
    /// exit instead of retrying for ever. True when it gave up.
    private func abandonAtShutdown() -> Bool {
        guard queue.isDraining else { return false }
        let since = drainFailingSince ?? ContinuousClock.now
        drainFailingSince = since
        guard ContinuousClock.now - since >= Self.shutdownPatience else { return false }
        let lost = pending.reduce(0) { $0 + $1.columns.count }
        metrics.spoolDroppedStorage.increment(by: Int64(lost))
        logger.critical("shutting down with the spool still not writable: readings dropped (counted in haetae_spool_dropped_total{reason=\"storage\"})",
                        metadata: ["readings": "\(lost)"])
        pending.removeAll()
        return true
    }

    /// How long a shutdown keeps retrying a spool that cannot be written.
    static let shutdownPatience: Duration = .seconds(10)
    private var drainFailingSince: ContinuousClock.Instant?

    /// Counts the readings the queue shed while commits failed, and logs them (rate-limited).
    private func countShedReadings() {
        let dropped = queue.takeDroppedReadings()
        guard dropped > 0 else { return }
        metrics.spoolDroppedStorage.increment(by: Int64(dropped))
        droppedSinceLog += dropped
        if ContinuousClock.now - droppedLoggedAt >= .seconds(10) {
            logger.error("spool not writable: readings dropped (counted in haetae_spool_dropped_total{reason=\"storage\"})",
                         metadata: ["readings": "\(droppedSinceLog)"])
            droppedSinceLog = 0
            droppedLoggedAt = ContinuousClock.now
        }
    }

    private var droppedSinceLog = 0
    private var droppedLoggedAt = ContinuousClock.now - .seconds(60)

    private func record(_ result: SpoolCommit, duration: Duration) {
        // Messages, readings accepted and rejects are counted by the receive thread at hand-off.
        var newSeries = 0
        for handoff in pending {
            newSeries += handoff.columns.newSeries.count
            if let renumbering = handoff.columns.renumbering {
                newSeries -= renumbering.forgottenCount
                metrics.seriesForgotten.increment(by: Int64(renumbering.forgottenCount))
            }
            logRejects(handoff)
        }
        if newSeries != 0 { seriesCount += newSeries; metrics.series.record(seriesCount) }
        if result.readingsSpooled > 0 {
            metrics.readingsSpooled.increment(by: Int64(result.readingsSpooled))
            metrics.lastCommitTimestamp.record(Double(WallClock.millis()) / 1_000)
        }
        if result.batchesSealed > 0 {
            metrics.batchesSealed.increment(by: Int64(result.batchesSealed))
            onSealed()
        }
        if result.droppedReadings > 0 {
            metrics.spoolDropped.increment(by: Int64(result.droppedReadings))
            logger.warning("spool over max_bytes: dropped the oldest batches (on_full: drop-oldest)",
                           metadata: ["readings": "\(result.droppedReadings)", "batches": "\(result.droppedBatches)"])
        }
        if !pending.isEmpty || result != SpoolCommit() {
            metrics.commitDuration.recordNanoseconds(duration.nanoseconds)
        }
        publishGauges()
    }

    private var seriesCount = 0
    private var gaugesPublishedAt = ContinuousClock.now - .seconds(10)

    /// Spool size gauges; at most a few times a second (each costs a few pragma reads).
    private func publishGauges() {
        guard ContinuousClock.now - gaugesPublishedAt >= .milliseconds(250) else { return }
        gaugesPublishedAt = ContinuousClock.now
        metrics.spoolReadings.record(spool.readingCount)
        metrics.spoolBatches.record(spool.batchCount)
        if let bytes = try? spool.usedBytes() { metrics.spoolBytes.record(bytes) }
        if let oldest = try? spool.oldestTimestampMillis() { metrics.spoolOldestTimestamp.record(Double(oldest) / 1_000) }
    }

    private func logRejects(_ handoff: Handoff) {
        for sample in handoff.rejectSamples where rejectLog.shouldLog(sample.reason) {
            logger.warning("rejected message", metadata: [
                "reason": "\(sample.reason.rawValue)", "topic": "\(sample.topic)",
                "payload_bytes": "\(sample.payloadBytes)", "payload_prefix": "\(sample.printablePrefix)",
                "why": "\(sample.reason.explanation)",
            ])
        }
    }
}

/// Logs at most one sample per reject reason per interval, so a flood of bad payloads cannot
/// flood the log; every reject is still counted in the metrics and kept in the `rejects` table.
struct RejectLogLimiter {
    let interval: TimeInterval
    private var lastLogged: [RejectReason: Date] = [:]

    init(interval: TimeInterval) {
        self.interval = interval
    }

    mutating func shouldLog(_ reason: RejectReason, now: Date = Date()) -> Bool {
        if let last = lastLogged[reason], now.timeIntervalSince(last) < interval { return false }
        lastLogged[reason] = now
        return true
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
