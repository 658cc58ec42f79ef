import Foundation

/// A receiver's signing secret in the Standard Webhooks form `whsec_<base64>`.
///
/// The key is the base64-decoded part after `whsec_`. The value never prints itself: its
/// `description`, `debugDescription` and mirror show only the length, so a secret that ends up
/// in a log line or a `dump` is not leaked.
///
/// ```swift
/// let secret = try WebhookSecret(parsing: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
/// ```
public struct WebhookSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The key bytes used for HMAC-SHA256.
    public let bytes: [UInt8]

    static let prefix = "whsec_"

    /// Parses `whsec_<base64>`; surrounding whitespace (a trailing newline from a secret file)
    /// is ignored, and missing `=` padding is accepted as other Standard Webhooks libraries do.
    /// - Throws: ``WebhookSecretError`` saying what is wrong, without echoing the secret.
    public init(parsing text: String) throws(WebhookSecretError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix(Self.prefix) else {
            throw WebhookSecretError(code: .missingPrefix, length: trimmed.utf8.count)
        }
        let encoded = Array(trimmed.utf8.dropFirst(Self.prefix.utf8.count))
        guard !encoded.isEmpty else { throw WebhookSecretError(code: .empty, length: 0) }
        let body = encoded.prefix { $0 != UInt8(ascii: "=") }
        if let offset = body.firstIndex(where: { !Self.isBase64($0) }) {
            throw WebhookSecretError(code: .invalidCharacter, length: encoded.count, offset: offset)
        }
        if let offset = encoded[body.count...].firstIndex(where: { $0 != UInt8(ascii: "=") }) {
            throw WebhookSecretError(code: .invalidCharacter, length: encoded.count, offset: offset)
        }
        var padded = String(decoding: body, as: UTF8.self)
        while padded.utf8.count % 4 != 0 { padded += "=" }
        guard body.count % 4 != 1, let data = Data(base64Encoded: padded) else {
            throw WebhookSecretError(code: .invalidLength, length: encoded.count)
        }
        guard !data.isEmpty else { throw WebhookSecretError(code: .empty, length: encoded.count) }
        bytes = Array(data)
    }

    /// A secret from raw key bytes (must not be empty).
    public init(bytes: [UInt8]) {
        precondition(!bytes.isEmpty, "a webhook secret needs at least one byte")
        self.bytes = bytes
    }

    /// A new random secret (32 bytes by default, within the spec's 24–64), from the system's
    /// cryptographically secure generator.
    public static func generate(byteCount: Int = 32) -> WebhookSecret {
        var generator = SystemRandomNumberGenerator()
        return WebhookSecret(bytes: (0..<max(byteCount, 1)).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// The `whsec_<base64>` text, for writing a configuration or handing to a receiver.
    /// Never log it.
    public var encoded: String {
        Self.prefix + Data(bytes).base64EncodedString()
    }

    public var description: String { "whsec_<redacted, \(bytes.count) bytes>" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    private static func isBase64(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }
}
