import Clocks
public import AsyncHTTPClient
public import CoreMetrics
import Foundation
public import Logging
import SQLite
import Synchronization

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
/// The outbox's SQLite calls run on the actor, which runs on a thread of its own
/// (``SQLite/SQLiteWorkThread``): they are short single-row statements in WAL mode, but a commit
/// may wait for another connection's. Attempts run on the concurrency pool.
public actor WebhookDispatcher {
    let outbox: WebhookOutbox
    var receivers: [String: WebhookReceiver] = [:]
    var signers: [String: WebhookSigner] = [:]
    /// Receivers that answered 410, disabled until restart or a change of their configuration.
    var gone: Set<String> = []
    /// Message ids in flight and the receivers express attempts may use (shared with `express`).
    nonisolated let slots = Mutex(DeliverySlots())
    let configuration: WebhookDispatcherConfiguration
    private let providedClient: HTTPClient?
    let logger: Logger
    var metrics: WebhookMetrics
    private let wake = WakeSignal()
    var random = SystemRandomNumberGenerator()
    var lastPurgeMillis: Int64 = 0
    private var running = false
    /// The thread this actor runs on: its outbox calls block in SQLite (and wait for other
    /// connections' commits), which must not take one of the concurrency pool's few threads.
    private let workThread: SQLiteWorkThread

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        workThread.asUnownedSerialExecutor()
    }

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
        self.workThread = SQLiteWorkThread(name: "haetae-webhooks")
        self.outbox = outbox
        self.configuration = configuration
        self.providedClient = httpClient
        self.logger = logger
        self.metrics = WebhookMetrics(factory: metricsFactory)
        for receiver in receivers {
            self.receivers[receiver.name] = receiver
            self.signers[receiver.name] = receiver.secret.map { WebhookSigner(secret: $0) }
        }
        let eligible = Self.eligible(receivers: self.receivers, signers: self.signers, gone: [])
        slots.withLock { $0.eligible = eligible }
    }

    deinit {
        workThread.shutdown()
    }

    /// The receivers an express attempt may go to: configured and not gone (with their signer,
    /// nil for unsigned receivers).
    static func eligible(
        receivers: [String: WebhookReceiver], signers: [String: WebhookSigner], gone: Set<String>
    ) -> [String: DeliverySlots.Eligible] {
        var eligible: [String: DeliverySlots.Eligible] = [:]
        for (name, receiver) in receivers where !gone.contains(name) {
            eligible[name] = DeliverySlots.Eligible(receiver: receiver, signer: signers[name])
        }
        return eligible
    }

    /// Brings the express attempts' view of the receivers up to date (after a change or a 410).
    func publishEligible() {
        let eligible = Self.eligible(receivers: receivers, signers: signers, gone: gone)
        slots.withLock { $0.eligible = eligible }
    }

    /// Wakes the loop to look for due messages; call it after enqueuing through another
    /// connection. Cheap, and safe from any thread.
    public nonisolated func notify() {
        wake.signal()
    }

    /// Adds a message to the outbox (idempotent on receiver and id) and wakes the loop.
    /// - Parameter priority: where it goes among due messages (``WebhookPriority``).
    /// - Returns: whether it was new.
    @discardableResult
    public func enqueue(
        receiver: String, id: String, body: [UInt8], createdAtMillis: Int64? = nil, priority: WebhookPriority = .normal
    ) throws -> Bool {
        let added = try outbox.enqueue(
            receiver: receiver, id: id, body: body, createdAtMillis: createdAtMillis ?? Self.nowMillis(), priority: priority)
        if receivers[receiver] == nil {
            logger.warning("webhook enqueued for a receiver that is not configured; it waits", metadata: ["receiver": "\(receiver)"])
        }
        wake.signal()
        return added
    }

    /// Starts the first attempt of a message before it is in the outbox, so its POST does not
    /// wait for the caller's `fsync` nor for this actor: an alert notification goes out while it
    /// is being recorded. Callable from any task; never blocks.
    ///
    /// The caller still enqueues the message durably (before or after; the insert is
    /// idempotent); when this attempt ends its outcome is written to the outbox as any other's,
    /// and a message that failed is retried from there. While the dispatcher is not running, and
    /// for a receiver that is not configured, gone or without a free slot, nothing starts here:
    /// the message waits in the outbox as usual.
    ///
    /// If the process dies after the POST and before the caller's record, the receiver has the
    /// message and no row says so; a receiver may get a message twice (same `webhook-id`) when
    /// the caller's enqueue was written and this attempt's outcome was not.
    ///
    /// A low-priority message starts here only while its receiver has more than one free slot.
    public nonisolated func express(
        receivers names: [String], id: String, body: [UInt8], createdAtMillis: Int64, priority: WebhookPriority = .normal
    ) {
        slots.withLock { slots in
            for name in names {
                if let job = slots.admitExpress(name, id: id, body: body, createdAtMillis: createdAtMillis, priority: priority) {
                    slots.expressSink?.yield(job)
                }
            }
        }
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
        signers = updated.compactMapValues { receiver in receiver.secret.map { WebhookSigner(secret: $0) } }
        publishEligible()
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
        // Express attempts start off this actor: its outbox writes may wait for another
        // connection's fsync, and a hazard's first POST should not.
        let (expressJobs, expressSink) = AsyncStream.makeStream(of: Job.self)
        slots.withLock { $0.expressSink = expressSink }
        let userAgent = configuration.userAgent
        await withDiscardingTaskGroup { group in
            group.addTask {
                await withDiscardingTaskGroup { attempts in
                    for await job in expressJobs {
                        attempts.addTask { await self.perform(job, client: client, userAgent: userAgent) }
                    }
                }
            }
            if let url = configuration.warmUpURL {
                group.addTask { [signer = signers.values.first] in await Self.warmUp(url: url, client: client, signer: signer) }
            }
            while !Task.isCancelled {
                let now = Self.nowMillis()
                for job in claimDue(nowMillis: now) {
                    group.addTask { await self.perform(job, client: client, userAgent: userAgent) }
                }
                refreshGauges(nowMillis: now)
                purgeIfDue(nowMillis: now)
                await wake.wait(for: .milliseconds(nextWakeDelayMillis(nowMillis: now)))
            }
        }
        expressSink.finish()
        // Express jobs admitted but not started wait in the outbox (their caller enqueues them).
        slots.withLock { $0.reset() }
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

    /// One attempt and its outcome's record.
    nonisolated func perform(_ job: Job, client: HTTPClient, userAgent: String) async {
        let started = ContinuousClock.now
        let result = await Self.attempt(job, client: client, userAgent: userAgent)
        await complete(job, result, duration: ContinuousClock.now - started)
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
