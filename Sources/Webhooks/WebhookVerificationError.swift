/// Why a webhook did not verify. Safe for logs: it names the header, never the secret or body.
public struct WebhookVerificationError: Error, Sendable, CustomStringConvertible {
    /// What failed; extendable without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public static let missingHeader = Code(name: "missing header")
        public static let invalidTimestamp = Code(name: "timestamp is not unix seconds")
        public static let timestampTooOld = Code(name: "timestamp too old")
        public static let timestampTooNew = Code(name: "timestamp too new")
        public static let noMatchingSignature = Code(name: "no matching signature")
        public var description: String { name }
    }

    public var code: Code
    /// The header concerned.
    public var header: String
    /// For timestamp failures: how many seconds the timestamp is from now.
    public var skewSeconds: Int64?

    public init(code: Code, header: String, skewSeconds: Int64? = nil) {
        self.code = code
        self.header = header
        self.skewSeconds = skewSeconds
    }

    public var description: String {
        var text = "webhook verification failed: \(code) (\(header))"
        if let skewSeconds { text += ", off by \(skewSeconds) s" }
        return text
    }
}
