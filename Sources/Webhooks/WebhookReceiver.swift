public import NIOSSL

/// A consumer of webhooks, as configured: where to send, how to sign, how long to wait.
public struct WebhookReceiver: Sendable {
    /// The name messages are enqueued under (`webhook: oncall` in a rule).
    public var name: String
    /// The `http`/`https` URL to POST to.
    public var url: String
    /// The receiver's `whsec_…` signing secret; nil for a receiver that is not a Standard
    /// Webhooks consumer (a Prometheus Alertmanager): its requests are not signed.
    public var secret: WebhookSecret?
    /// The body this receiver gets, made from the stored message at each attempt (its own wire
    /// form, as Alertmanager's `/api/v2/alerts`); nil sends the message as stored. A message it
    /// cannot convert (nil) becomes a dead letter.
    public var form: (@Sendable ([UInt8]) -> [UInt8]?)?
    /// How long one attempt may take, connection to last byte.
    public var timeout: Duration
    /// How long after creation a message may still be delivered; older ones die as "expired".
    public var maxAge: Duration
    /// Attempts in flight at once for this receiver, so one slow receiver never uses up the rest.
    public var maxConcurrentDeliveries: Int
    /// For an `https://` receiver behind a private CA: trust that CA (and present a client
    /// certificate when it asks for one); nil trusts the system's CAs.
    public var tls: TLSConfiguration?

    public init(
        name: String, url: String, secret: WebhookSecret?, timeout: Duration = .seconds(10),
        maxAge: Duration = .seconds(24 * 3600), maxConcurrentDeliveries: Int = 4, tls: TLSConfiguration? = nil,
        form: (@Sendable ([UInt8]) -> [UInt8]?)? = nil
    ) {
        self.form = form
        self.tls = tls
        self.name = name
        self.url = url
        self.secret = secret
        self.timeout = timeout
        self.maxAge = maxAge
        self.maxConcurrentDeliveries = max(maxConcurrentDeliveries, 1)
    }

    /// Whether `other` sends to the same place with the same key (a 410 is forgotten when not).
    func sameEndpoint(as other: WebhookReceiver) -> Bool {
        url == other.url && secret?.bytes == other.secret?.bytes
    }
}
