import AsyncHTTPClient
import BuildInfo
import Logging
import NIOSSL
import ServiceLifecycle
import Webhooks

/// The forwarder in the edge's service group: the batch lane and the alert lane, each with its
/// own HTTP client, the poll of what the edge must not notify (``SuppressionPoller``) and the
/// status reports (``StatusReporter``) on the alert lane's client. On graceful shutdown both stop starting requests; the batch lane lets the
/// requests in flight end (at most `forward.timeout`) and deletes what they got acknowledged.
/// Whatever is not acknowledged stays in the spool or `alerts.db` and goes after the next start.
final class ForwardService: Service, Sendable {
    let batches: BatchForwarder
    let alerts: AlertForwarder
    let suppressions: SuppressionPoller
    let status: StatusReporter
    private let settings: EdgeConfiguration.ForwardSettings
    private let logger: Logger

    init(
        settings: EdgeConfiguration.ForwardSettings, edgeID: String, spoolPath: String, alertsPath: String,
        alertWake: WakeSignal, site: String, suppressionBook: SuppressionBook, statusSource: @escaping StatusReporter.Source,
        metrics: EdgeMetrics, logger: Logger, ownStatus: OwnStatus? = nil
    ) {
        let backoff = RetryPolicy(initialBackoff: settings.backoffInitial, maximumBackoff: settings.backoffMax)
        batches = BatchForwarder(
            settings: .init(
                edgeID: edgeID, spoolPath: spoolPath, inFlight: settings.inFlight, maxRate: settings.maxRate, backoff: backoff,
                parkFor: settings.backoffMax * 5),
            metrics: metrics, logger: logger)
        alerts = AlertForwarder(
            settings: .init(edgeID: edgeID, alertsPath: alertsPath, backoff: backoff), wake: alertWake, metrics: metrics, logger: logger)
        suppressions = SuppressionPoller(
            settings: .init(site: site, interval: settings.suppressionsInterval, backoff: backoff), book: suppressionBook,
            metrics: metrics, logger: logger)
        status = StatusReporter(
            settings: .init(interval: settings.statusInterval, backoff: backoff), source: statusSource, metrics: metrics, logger: logger,
            own: ownStatus)
        self.settings = settings
        self.logger = logger
    }

    func run() async throws {
        // Made here, not in init: a client must be shut down, and a start that fails before the
        // service group runs would never do it.
        let tls: TLSConfiguration?
        do {
            tls = try settings.tls.map { try HTTPClientTLS.configuration($0) }
        } catch {
            throw EdgeStartError(message: "forward.tls: \(error)")
        }
        let batchClient = CoreClient.makeHTTPClient(connections: settings.inFlight, timeout: settings.timeout, tls: tls)
        // The alert lane's connection, and ones for the suppressions poll and the status reports beside it.
        let alertClient = CoreClient.makeHTTPClient(connections: 3, timeout: settings.timeout, tls: tls)
        func core(_ client: HTTPClient) -> CoreClient {
            CoreClient(
                client: client, urls: settings.urls, token: settings.token, timeout: settings.timeout,
                userAgent: "haetae-edge/\(HaetaeVersion.current)")
        }
        let batchCore = core(batchClient)
        let alertCore = core(alertClient)
        let result = await Result(catching: {
            try await withGracefulShutdownHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { try await self.alerts.run(client: alertCore) }
                    group.addTask { await self.suppressions.run(client: alertCore) }
                    group.addTask { await self.status.run(client: alertCore) }
                    group.addTask { try await self.batches.run(client: batchCore) }
                }
            } onGracefulShutdown: {
                self.batches.stop()
                self.alerts.stop()
                self.suppressions.stop()
                self.status.stop()
            }
        })
        // Both lanes have ended: no request is using the clients.
        try? await batchClient.shutdown()
        try? await alertClient.shutdown()
        try result.get()
    }
}

extension Result where Failure == any Error {
    /// Runs an async throwing body and captures its outcome.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
