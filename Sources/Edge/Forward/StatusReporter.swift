import Clocks
import Logging
import NIOCore
import Readings
import Synchronization
import Webhooks

/// Reports this edge's status to the core every `interval` (`POST /api/v1/edges/status`, on
/// the alert lane's connection, apart from the batches: a backlog or a rate cap never delays
/// it): the figures of its own `/metrics` (``EdgeStatusSampler``) with its version, role and
/// rule file. The core's fleet view marks an edge stale, then down, when these stop. A report
/// that fails is not kept: the next one is fresher.
final class StatusReporter: Sendable {
    struct Settings: Sendable {
        var interval: Duration
        var backoff: RetryPolicy
    }

    /// What a report needs that the sampler does not keep: the metrics text now, and the rest.
    typealias Source = @Sendable () -> (metrics: String, context: EdgeStatusSampler.Context)

    private let settings: Settings
    private let source: Source
    private let metrics: EdgeMetrics
    private let logger: Logger
    private let wake = WakeSignal()
    private let stopping = Atomic<Bool>(false)
    /// Told whether each report was taken: the site page says whether the core takes this edge's data.
    private let own: OwnStatus?

    init(settings: Settings, source: @escaping Source, metrics: EdgeMetrics, logger: Logger, own: OwnStatus? = nil) {
        self.own = own
        self.settings = settings
        self.source = source
        self.metrics = metrics
        self.logger = logger
    }

    /// Ends `run()` after the request in flight, if any.
    func stop() {
        stopping.store(true, ordering: .relaxed)
        wake.signal()
    }

    func run(client: CoreClient) async {
        let started = ContinuousClock.now
        func nowMillis() -> Int64 { (ContinuousClock.now - started).milliseconds }
        var failover = CoreFailover(urlCount: client.urls.count, backoff: settings.backoff)
        var random = SystemRandomNumberGenerator()
        var sampler = EdgeStatusSampler()
        var failing = false
        while !Task.isCancelled, !stopping.load(ordering: .relaxed) {
            let (text, context) = source()
            let status = sampler.status(MetricsText(text), context: context, nowMillis: WallClock.millis())
            let ticket = failover.ticket
            let json = EdgeStatusCodec.encode(status)
            // Gzip takes a report to about two thirds: it goes every few seconds from every edge.
            let compressed = try? Gzip.compress(json)
            let gzipped = compressed.map { $0.readableBytes < json.count } ?? false
            let body = gzipped ? compressed! : ByteBuffer(bytes: json)
            let outcome = await client.post(
                path: "/api/v1/edges/status", urlIndex: ticket.url, body: body, gzipped: gzipped, idempotencyKey: nil,
                acknowledgedBy: ["recorded"])
            if case .acknowledged = outcome {
                failover.succeeded(ticket)
                own?.coreTook(nowMillis: WallClock.millis())
                metrics.statusReports.increment()
                metrics.statusReportBytes.increment(by: Int64(body.readableBytes))
                if failing { logger.notice("the core takes this edge's status reports again") }
                failing = false
            } else {
                metrics.statusReportFailures.increment()
                failover.failed(ticket, outcome, nowMillis: nowMillis(), using: &random)
                own?.coreMissed(detail: BatchForwarder.describe(outcome))
                if !failing {
                    logger.warning("status report not taken by the core; the next one goes in one interval", metadata: [
                        "outcome": "\(BatchForwarder.describe(outcome))",
                    ])
                }
                failing = true
            }
            let now = nowMillis()
            // `pausedUntil` is `.min` when the failover does not pause: no subtraction from it.
            let pause = max(settings.interval.milliseconds, failover.pausedUntil > now ? failover.pausedUntil - now : 0)
            if !stopping.load(ordering: .relaxed) { await wake.wait(for: .milliseconds(pause)) }
        }
    }
}
