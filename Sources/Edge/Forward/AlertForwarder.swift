import Foundation
import Logging
import NIOCore
import Synchronization
import Webhooks

/// The alert lane: forwards alert notifications from `alerts.db` to the core
/// (`POST /api/v1/alerts`) and marks them forwarded after a 2xx. It runs apart from the batch
/// lane, with its own HTTP connections, ignores the rate cap, and wakes as soon as the alert
/// service records a notification: a backlog of readings never holds an alert back.
final class AlertForwarder: Sendable {
    struct Settings: Sendable {
        var edgeID: String
        var alertsPath: String
        var backoff: RetryPolicy
        /// Notifications per request.
        var maxPerRequest = 100
        /// Bodies larger than this are sent gzip-compressed.
        var gzipAbove = 4_096
        /// Looked at this often without a signal.
        var pollInterval: Duration = .seconds(1)
    }

    private let settings: Settings
    private let wake: WakeSignal
    private let metrics: EdgeMetrics
    private let logger: Logger
    private let stopping = Atomic<Bool>(false)

    /// - Parameter wake: signalled by the alert service when it recorded a notification.
    init(settings: Settings, wake: WakeSignal, metrics: EdgeMetrics, logger: Logger) {
        self.settings = settings
        self.wake = wake
        self.metrics = metrics
        self.logger = logger
    }

    /// Ends `run()` after the request in flight, if any.
    func stop() {
        stopping.store(true, ordering: .relaxed)
        wake.signal()
    }

    func run(client: CoreClient) async throws {
        let log = try AlertForwardLog(path: settings.alertsPath)
        var failover = CoreFailover(urlCount: client.urls.count, backoff: settings.backoff)
        var random = SystemRandomNumberGenerator()
        let started = ContinuousClock.now
        func nowMillis() -> Int64 { (ContinuousClock.now - started).milliseconds }
        var refusedUntil: Int64 = .min
        var failing = false
        var isolation = AlertRefusalIsolation()
        /// A refusal that is not the notifications' fault: they stay, the lane pauses long.
        func park(_ outcome: ForwardOutcome, alerts: Int) {
            refusedUntil = nowMillis() + settings.backoff.maximumBackoff.milliseconds
            failing = true
            logger.error("core refused the alerts: they stay in alerts.db and are retried later", metadata: [
                "outcome": "\(BatchForwarder.describe(outcome))", "alerts": "\(alerts)",
            ])
        }

        while !Task.isCancelled, !stopping.load(ordering: .relaxed) {
            let now = nowMillis()
            let resumeAt = max(failover.pausedUntil, refusedUntil)
            if now < resumeAt {
                await sleep(.milliseconds(resumeAt - now))
                continue
            }
            let rows: [AlertForwardLog.Row]
            do {
                rows = try log.pending(limit: isolation.limit(normal: settings.maxPerRequest))
                metrics.forwardAlertsBacklog.record(rows.count < settings.maxPerRequest ? Int64(rows.count) : try log.pendingCount())
            } catch {
                logger.error("alert forwarder cannot read alerts.db", metadata: ["error": "\(error)"])
                await sleep(settings.pollInterval)
                continue
            }
            guard !rows.isEmpty else {
                await wake.wait(for: settings.pollInterval)
                continue
            }
            let payload = AlertsPayload.encode(edge: settings.edgeID, bodies: rows.map { ($0.id, $0.body) })
            if !payload.unreadable.isEmpty {
                logger.error("alert log rows that are not notifications are skipped", metadata: ["ids": "\(payload.unreadable)"])
                try? log.markForwarded(payload.unreadable)
            }
            guard !payload.included.isEmpty else { continue }
            let gzipped = payload.json.count > settings.gzipAbove
            let body = (gzipped ? try? Gzip.compress(payload.json) : nil) ?? ByteBuffer(bytes: payload.json)
            let ticket = failover.ticket
            let outcome = await client.post(
                path: "/api/v1/alerts", urlIndex: ticket.url, body: body, gzipped: gzipped && body.readableBytes != payload.json.count,
                idempotencyKey: nil, acknowledgedBy: ["stored"])
            switch outcome {
            case .acknowledged:
                failover.succeeded(ticket)
                isolation.acknowledged(count: payload.included.count)
                do {
                    try log.markForwarded(payload.included)
                } catch {
                    // Sent again later; the core drops the repeat.
                    logger.error("alert forwarder cannot mark alerts forwarded", metadata: ["error": "\(error)"])
                }
                metrics.forwardAlertsSent.increment(by: Int64(payload.included.count))
                if failing {
                    failing = false
                    logger.notice("core acknowledges alerts again")
                }
            case .rejected(let status):
                metrics.forwardAlertFailures["rejected"]?.increment()
                switch isolation.refused(count: payload.included.count, status: status) {
                case .sendSingly:
                    logger.warning("core refused a post of alerts as malformed: sending them one at a time to find the one", metadata: [
                        "status": "\(status)", "alerts": "\(payload.included.count)",
                    ])
                case .setAside:
                    // The core refuses this notification itself: set aside, counted and logged,
                    // so it does not hold every later alert behind it. It stays in the log.
                    try? log.markForwarded(payload.included)
                    metrics.forwardAlertsRefused.increment(by: Int64(payload.included.count))
                    logger.error("core refuses this alert notification: set aside, not sent again (it stays in alerts.db)", metadata: [
                        "status": "\(status)", "row": "\(payload.included)",
                    ])
                case .retryLater:
                    park(outcome, alerts: payload.included.count)
                }
            case .unknownSeries:
                metrics.forwardAlertFailures["rejected"]?.increment()
                park(outcome, alerts: payload.included.count)
            default:
                failing = true
                if let reason = outcome.failureReason { metrics.forwardAlertFailures[reason]?.increment() }
                if failover.failed(ticket, outcome, nowMillis: nowMillis(), using: &random) {
                    metrics.forwardFailovers.increment()
                }
                logger.warning("alerts not delivered to the core; retrying", metadata: [
                    "outcome": "\(BatchForwarder.describe(outcome))", "alerts": "\(payload.included.count)",
                ])
            }
        }
    }

    private func sleep(_ duration: Duration) async {
        // The wake signal also ends a pause early when the lane is stopping.
        if stopping.load(ordering: .relaxed) { return }
        await wake.wait(for: duration)
    }
}
