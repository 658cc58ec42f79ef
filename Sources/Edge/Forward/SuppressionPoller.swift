import Clocks
import Foundation
import Logging
import Readings
import Synchronization
import Webhooks

/// Learns from the core what this edge must not notify (`GET /api/v1/suppressions?site=`, on
/// the alert lane's connection) every `interval`, and keeps it in the ``SuppressionBook``.
/// During a WAN cut the book keeps the last known shelving (and a shelf still ends at its
/// `until`); an action taken at the core meanwhile applies at the first answer after the link
/// returns. Latency core → edge: at most one interval plus a round trip.
final class SuppressionPoller: Sendable {
    struct Settings: Sendable {
        var site: String
        var interval: Duration
        var backoff: RetryPolicy
    }

    /// Largest answer read (10,000 shelves and 10,000 scopes with long comments fit).
    static let maxAnswerBytes = 16 << 20

    private let settings: Settings
    private let book: SuppressionBook
    private let metrics: EdgeMetrics
    private let logger: Logger
    private let wake = WakeSignal()
    private let stopping = Atomic<Bool>(false)

    init(settings: Settings, book: SuppressionBook, metrics: EdgeMetrics, logger: Logger) {
        self.settings = settings
        self.book = book
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
        let startedWallMillis = WallClock.millis()
        func nowMillis() -> Int64 { (ContinuousClock.now - started).milliseconds }
        var failover = CoreFailover(urlCount: client.urls.count, backoff: settings.backoff)
        var random = SystemRandomNumberGenerator()
        var failing = false
        let site = settings.site.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(.init(charactersIn: "-._~")))
            ?? settings.site
        publish(book.current)
        while !Task.isCancelled, !stopping.load(ordering: .relaxed) {
            let ticket = failover.ticket
            let answer = await client.get(path: "/api/v1/suppressions?site=\(site)", urlIndex: ticket.url, limit: Self.maxAnswerBytes)
            switch answer {
            case .success(let bytes):
                do {
                    let suppressions = try AlarmSuppressionsCodec.decode(bytes)
                    guard suppressions.site == settings.site else {
                        throw AlertDecodingError("site", "the core answered for site \(suppressions.site.prefix(64))")
                    }
                    failover.succeeded(ticket)
                    if try book.replace(with: suppressions, fetchedAtMillis: WallClock.millis()) {
                        logger.notice("alarm suppressions changed at the core", metadata: [
                            "shelves": "\(suppressions.shelves.count)", "out_of_service": "\(suppressions.outOfService.count)",
                        ])
                        publish(suppressions)
                    }
                    if failing {
                        failing = false
                        logger.notice("alarm suppressions are read from the core again")
                    }
                } catch let error as AlertDecodingError {
                    // Not the core's answer (a proxy's page, another site's): like a 5xx, the
                    // next core URL is tried.
                    metrics.alarmSuppressionsFetchFailures.increment()
                    failover.failed(ticket, .foreignAnswer(status: 200), nowMillis: nowMillis(), using: &random)
                    if !failing { logger.error("the core's alarm suppressions cannot be used; the last known stay", metadata: ["error": "\(error)"]) }
                    failing = true
                } catch {
                    // The answer is good but could not be kept (suppressions.json): taken again next poll.
                    metrics.alarmSuppressionsFetchFailures.increment()
                    if !failing { logger.error("the alarm suppressions cannot be kept on disk; tried again at the next poll", metadata: ["error": "\(error)"]) }
                    failing = true
                }
            case .failure(let failure):
                metrics.alarmSuppressionsFetchFailures.increment()
                failover.failed(ticket, failure.outcome, nowMillis: nowMillis(), using: &random)
                if !failing {
                    logger.warning("cannot read the alarm suppressions from the core; the last known stay", metadata: [
                        "outcome": "\(BatchForwarder.describe(failure.outcome))",
                    ])
                }
                failing = true
            }
            let fetched = book.lastFetchedMillis
            metrics.alarmSuppressionsAge.record(Double(WallClock.millis() - (fetched > 0 ? fetched : startedWallMillis)) / 1_000)
            let now = nowMillis()
            // `pausedUntil` is `.min` when the failover does not pause: no subtraction from it.
            let pause = max(settings.interval.milliseconds, failover.pausedUntil > now ? failover.pausedUntil - now : 0)
            if !stopping.load(ordering: .relaxed) { await wake.wait(for: .milliseconds(pause)) }
        }
    }

    private func publish(_ suppressions: AlarmSuppressions) {
        metrics.alarmShelves.record(suppressions.shelves.count)
        metrics.alarmOutOfService.record(suppressions.outOfService.count)
    }
}
