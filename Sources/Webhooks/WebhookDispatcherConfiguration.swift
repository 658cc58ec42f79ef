/// How a ``WebhookDispatcher`` retries, identifies itself and keeps its history.
public struct WebhookDispatcherConfiguration: Sendable {
    /// Backoff between failed attempts.
    public var retryPolicy: RetryPolicy
    /// The `user-agent` header, e.g. `haetae-edge/0.1.0`.
    public var userAgent: String
    /// The longest the dispatcher sleeps without a ``WebhookDispatcher/notify()``, so rows that
    /// another connection enqueued without notifying are still picked up.
    public var idlePoll: Duration
    /// Finished messages are kept this long …
    public var retention: Duration
    /// … and at most this many of them.
    public var keepFinished: Int
    /// How often the history is purged.
    public var purgeInterval: Duration
    /// How long past a receiver's timeout a claimed message stays leased; after a crash it is
    /// retried once the lease runs out.
    public var leaseGrace: Duration
    /// A URL of this process's own (its health endpoint), fetched once when the dispatcher
    /// starts, so the first alert does not pay for the HTTP client's cold code paths (about
    /// 5–10 ms measured). Never a receiver's: they get only real messages.
    public var warmUpURL: String?

    public init(
        retryPolicy: RetryPolicy = RetryPolicy(), userAgent: String = "haetae-edge",
        idlePoll: Duration = .seconds(5), retention: Duration = .seconds(7 * 24 * 3600), keepFinished: Int = 10_000,
        purgeInterval: Duration = .seconds(60), leaseGrace: Duration = .seconds(5), warmUpURL: String? = nil
    ) {
        self.warmUpURL = warmUpURL
        self.retryPolicy = retryPolicy
        self.userAgent = userAgent
        self.idlePoll = idlePoll
        self.retention = retention
        self.keepFinished = keepFinished
        self.purgeInterval = purgeInterval
        self.leaseGrace = leaseGrace
    }
}
