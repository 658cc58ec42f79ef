/// One message in the outbox, as stored.
public struct WebhookOutboxMessage: Sendable, Equatable {
    /// Where a message is in its life.
    public enum State: String, Sendable, CaseIterable {
        /// Waiting for its next attempt (or in flight).
        case pending
        /// A receiver answered 2xx.
        case delivered
        /// Given up: a non-retryable answer, or older than the receiver's maximum age ("expired").
        case dead
        /// Its receiver answered 410 Gone, in files written before a 410 kept messages for a later re-enable.
        case gone
    }

    /// The `webhook-id`, stable across retries.
    public var id: String
    /// The configured receiver name.
    public var receiver: String
    /// The exact request body.
    public var body: [UInt8]
    public var createdAtMillis: Int64
    /// Attempts started so far.
    public var attempts: Int
    public var nextAttemptAtMillis: Int64
    public var state: State
    /// The HTTP status of the last answer, if any.
    public var lastStatus: Int?
    /// Why the last attempt failed, or why the message is dead.
    public var lastError: String?
    /// When it left `pending`.
    public var finishedAtMillis: Int64?
    public var priority: WebhookPriority

    public init(
        id: String, receiver: String, body: [UInt8], createdAtMillis: Int64, attempts: Int = 0,
        nextAttemptAtMillis: Int64, state: State = .pending, lastStatus: Int? = nil, lastError: String? = nil,
        finishedAtMillis: Int64? = nil, priority: WebhookPriority = .normal
    ) {
        self.id = id
        self.receiver = receiver
        self.body = body
        self.createdAtMillis = createdAtMillis
        self.attempts = attempts
        self.nextAttemptAtMillis = nextAttemptAtMillis
        self.state = state
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.finishedAtMillis = finishedAtMillis
        self.priority = priority
    }
}
