import Clocks
public import AsyncHTTPClient
public import CoreMetrics
import Foundation
public import Logging

/// Delivers the outbox's messages to their receivers, signed, with retries.
///
/// One loop (``run()``) claims due messages and starts each attempt as a child task, so several
/// deliveries are in flight at once, at most `maxConcurrentDeliveries` per receiver: a slow
/// receiver fills only its own slots. Attempt outcomes (DESIGN §3.3): 2xx delivered; 410 the
/// receiver is disabled (it gets nothing until a restart or ``configure(receivers:)`` changes
/// it, and its messages wait for then, or until its `maxAge`); other 4xx except 408/429 dead letters;
/// everything else retried with ``RetryPolicy`` until the receiver's `maxAge`, then dead "expired".
///
/// `run()` returns when its task is cancelled, which makes the dispatcher a ready
/// swift-service-lifecycle `Service` (conform it where ServiceLifecycle is imported).
/// Attempts in flight at cancellation are abandoned and their messages made due again.
///
/// ```swift
/// let dispatcher = WebhookDispatcher(outbox: try WebhookOutbox(path: path), receivers: [oncall], logger: logger)
/// let task = Task { try await dispatcher.run() }
/// try await dispatcher.enqueue(receiver: "oncall", id: id, body: body)
/// ```
///
/// The outbox's SQLite calls run on the actor; they are short single-row statements in WAL mode.
public actor WebhookDispatcher {
    let outbox: WebhookOutbox
    var receivers: [String: WebhookReceiver] = [:]
    var signers: [String: WebhookSigner] = [:]
    /// Receivers that answered 410, disabled until restart or a change of their configuration.
    var gone: Set<String> = []
    /// Message ids with an attempt in flight, per receiver.
    var inFlight: [String: Set<String>] = [:]
    let configuration: WebhookDispatcherConfiguration
    private let providedClient: HTTPClient?
    let logger: Logger
    var metrics: WebhookMetrics
    private let wake = WakeSignal()
    var random = SystemRandomNumberGenerator()
    var lastPurgeMillis: Int64 = 0
    private var running = false

    /// - Parameters:
    ///   - outbox: the outbox this dispatcher owns from now on.
    ///   - receivers: by unique name; a later duplicate replaces an earlier one.
    ///   - httpClient: a client to share; it stays the caller's to shut down (and should not
    ///     follow redirects). When nil, `run()` makes its own and shuts it down when it returns.
    ///   - metricsFactory: where the metrics go; the global factory by default.
    public init(
        outbox: sending WebhookOutbox, receivers: [WebhookReceiver],
        configuration: WebhookDispatcherConfiguration = WebhookDispatcherConfiguration(),
        httpClient: HTTPClient? = nil, logger: Logger, metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.outbox = outbox
        self.configuration = configuration
        self.providedClient = httpClient
        self.logger = logger
        self.metrics = WebhookMetrics(factory: metricsFactory)
        for receiver in receivers {
            self.receivers[receiver.name] = receiver
            self.signers[receiver.name] = WebhookSigner(secret: receiver.secret)
        }
    }

    /// Wakes the loop to look for due messages; call it after enqueuing through another
    /// connection. Cheap, and safe from any thread.
    public nonisolated func notify() {
        wake.signal()
    }

    /// Adds a message to the outbox (idempotent on receiver and id) and wakes the loop.
    /// - Returns: whether it was new.
    @discardableResult
    public func enqueue(receiver: String, id: String, body: [UInt8], createdAtMillis: Int64? = nil) throws -> Bool {
        let added = try outbox.enqueue(
            receiver: receiver, id: id, body: body, createdAtMillis: createdAtMillis ?? Self.nowMillis())
        if receivers[receiver] == nil {
            logger.warning("webhook enqueued for a receiver that is not configured; it waits", metadata: ["receiver": "\(receiver)"])
        }
        wake.signal()
        return added
    }

    /// Replaces the receivers. A receiver that answered 410 is enabled again when its URL or
    /// secret changed (or it was removed), and its kept messages are sent then.
    public func configure(receivers newReceivers: [WebhookReceiver]) {
        var updated: [String: WebhookReceiver] = [:]
        for receiver in newReceivers { updated[receiver.name] = receiver }
        for name in gone {
            let unchanged = receivers[name].flatMap { old in updated[name].map { $0.sameEndpoint(as: old) } } ?? false
            if !unchanged {
                gone.remove(name)
                logger.info("webhook receiver re-enabled by a configuration change", metadata: ["receiver": "\(name)"])
            }
        }
        receivers = updated
        signers = updated.mapValues { WebhookSigner(secret: $0.secret) }
        wake.signal()
    }

    /// Names of the receivers disabled by a 410.
    public var goneReceivers: Set<String> { gone }

    /// Delivers until the task is cancelled, then waits for the attempts in flight to wind down.
    public func run() async throws {
        precondition(!running, "WebhookDispatcher.run() is already running")
        running = true
        defer { running = false }
        let client = providedClient ?? HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: Self.clientConfiguration(for: receivers.values))
        logger.info("webhook dispatcher started", metadata: ["receivers": "\(receivers.keys.sorted().joined(separator: ","))"])
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let now = Self.nowMillis()
                for job in claimDue(nowMillis: now) {
                    group.addTask { [userAgent = configuration.userAgent] in
                        let started = ContinuousClock.now
                        let result = await Self.attempt(job, client: client, userAgent: userAgent)
                        await self.complete(job, result, duration: ContinuousClock.now - started)
                    }
                }
                refreshGauges(nowMillis: now)
                purgeIfDue(nowMillis: now)
                await wake.wait(for: .milliseconds(nextWakeDelayMillis(nowMillis: now)))
            }
        }
        // The attempts in flight have completed: leave the gauges at the final state rather than
        // at the last loop turn's (which may predate the last delivery).
        refreshGauges(nowMillis: Self.nowMillis())
        if providedClient == nil {
            do { try await client.shutdown() } catch {
                logger.warning("webhook HTTP client did not shut down cleanly", metadata: ["error": "\(error)"])
            }
        }
        logger.info("webhook dispatcher stopped")
    }

    static func nowMillis() -> Int64 {
        WallClock.millis()
    }

    /// Redirects are not followed: a webhook goes where it was configured to go, or fails.
    /// A refused connection fails the attempt at once instead of being retried inside the client
    /// until the deadline, so the outbox's backoff (and its counters) govern every retry.
    static func clientConfiguration(for receivers: some Sequence<WebhookReceiver>) -> HTTPClient.Configuration {
        var pool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: receivers.reduce(8) { max($0, $1.maxConcurrentDeliveries) })
        pool.retryConnectionEstablishment = false
        return HTTPClient.Configuration(redirectConfiguration: .disallow, connectionPool: pool)
    }
}
