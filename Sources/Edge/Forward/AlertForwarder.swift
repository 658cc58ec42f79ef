import Foundation
import Logging
import NIOCore
import Synchronization
import Webhooks

/// The alert lane's I/O shell (its decisions are ``AlertLane``'s): forwards alert notifications
/// and stop-command records from `alerts.db` to the core (`POST /api/v1/alerts`) and marks them
/// forwarded after a 2xx. It runs apart from the batch lane, with its own HTTP connections,
/// ignores the rate cap, and wakes as soon as the alert service records a notification or a
/// command: a backlog of readings never holds an alert back.
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
        var lane = AlertLane(
            settings: AlertLane.Settings(maxPerPost: settings.maxPerRequest, parkMillis: settings.backoff.maximumBackoff.milliseconds),
            failover: CoreFailover(urlCount: client.urls.count, backoff: settings.backoff))
        var random = SystemRandomNumberGenerator()
        let started = ContinuousClock.now
        func nowMillis() -> Int64 { (ContinuousClock.now - started).milliseconds }
        // While the lane sends a refused post's items one at a time: that post's last rows.
        var singlesBound: AlertForwardLog.Bound?

        while !Task.isCancelled, !stopping.load(ordering: .relaxed) {
            let now = nowMillis()
            if let until = lane.pausedUntil(nowMillis: now) {
                await sleep(.milliseconds(until - now))
                continue
            }
            let rows: AlertForwardLog.Pending
            do {
                if !lane.sendingSingly { singlesBound = nil }
                rows = try log.pending(limit: lane.postSize, commands: lane.carriesCommands(nowMillis: now), upTo: singlesBound)
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
            let payload = AlertsPayload.encode(edge: settings.edgeID, bodies: rows.notices.map { ($0.id, $0.body) }, commands: rows.commands)
            if !payload.unreadable.isEmpty {
                logger.error("alert log rows that are not notifications are skipped", metadata: ["ids": "\(payload.unreadable)"])
                try? log.markForwarded(payload.unreadable)
            }
            guard payload.count > 0 else { continue }
            let gzipped = payload.json.count > settings.gzipAbove
            let body = (gzipped ? try? Gzip.compress(payload.json) : nil) ?? ByteBuffer(bytes: payload.json)
            let ticket = lane.ticket
            let (outcome, answer) = await client.postReadingAnswer(
                path: "/api/v1/alerts", urlIndex: ticket.url, body: body, gzipped: gzipped && body.readableBytes != payload.json.count,
                idempotencyKey: nil, acknowledgedBy: ["stored"])
            let verdict = lane.completed(outcome, ticket: ticket, count: payload.count, nowMillis: nowMillis(), using: &random)
            if verdict == .sendSingly {
                singlesBound = AlertForwardLog.Bound(notice: rows.notices.last?.id ?? 0, command: rows.commands.last?.id ?? 0)
            }
            var commands = payload.commands
            if case .forwarded = verdict, !commands.isEmpty, !(answer.map(ForwardOutcome.answerFilesCommands) ?? false) {
                // An older core took the post but skipped `commands`: they stay for one that files them.
                if lane.carriesCommands(nowMillis: nowMillis()) {
                    logger.warning("the core does not file stop-command records (it is older than this edge): they stay in alerts.db and are offered again later")
                }
                lane.commandsNotFiled(nowMillis: nowMillis())
                commands = []
            }
            carryOut(verdict, outcome: outcome, rows: payload.included, commands: commands, log: log)
        }
    }

    /// Marks, counts and logs what the lane decided about the rows of one post.
    private func carryOut(_ verdict: AlertLane.Verdict, outcome: ForwardOutcome, rows: [Int64], commands: [Int64], log: AlertForwardLog) {
        if let reason = outcome.failureReason { metrics.forwardAlertFailures[reason]?.increment() }
        switch verdict {
        case .forwarded(let recovered):
            do {
                try log.markForwarded(rows, commands: commands)
            } catch {
                // Sent again later; the core drops the repeat.
                logger.error("alert forwarder cannot mark alerts forwarded", metadata: ["error": "\(error)"])
            }
            metrics.forwardAlertsSent.increment(by: Int64(rows.count))
            metrics.forwardCommandsSent.increment(by: Int64(commands.count))
            if recovered { logger.notice("core acknowledges alerts again") }
        case .sendSingly:
            logger.warning("core refused a post of alerts as malformed: sending them one at a time to find the one", metadata: [
                "outcome": "\(BatchForwarder.describe(outcome))", "alerts": "\(rows.count)", "commands": "\(commands.count)",
            ])
        case .setAside:
            // It stays in the log (and the API); only the lane stops sending it.
            try? log.markForwarded(rows, commands: commands)
            metrics.forwardAlertsRefused.increment(by: Int64(rows.count + commands.count))
            logger.error("core refuses this alert notification or command record: set aside, not sent again (it stays in alerts.db)", metadata: [
                "outcome": "\(BatchForwarder.describe(outcome))", "row": "\(rows)", "command_row": "\(commands)",
            ])
        case .parked:
            logger.error("core refused the alerts: they stay in alerts.db and are retried later", metadata: [
                "outcome": "\(BatchForwarder.describe(outcome))", "alerts": "\(rows.count)",
            ])
        case .retry(let movedURL):
            if movedURL { metrics.forwardFailovers.increment() }
            logger.warning("alerts not delivered to the core; retrying", metadata: [
                "outcome": "\(BatchForwarder.describe(outcome))", "alerts": "\(rows.count)",
            ])
        }
    }

    private func sleep(_ duration: Duration) async {
        // The wake signal also ends a pause early when the lane is stopping.
        if stopping.load(ordering: .relaxed) { return }
        await wake.wait(for: duration)
    }
}
