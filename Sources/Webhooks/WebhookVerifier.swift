import AccessControl
import Foundation

/// Checks Standard Webhooks signatures, as a receiver does (the simulator uses it to check what
/// the edge sends).
///
/// A message passes when its timestamp is within `tolerance` of now and any one of the
/// space-separated `v1,<base64>` signatures matches; signatures of other versions are skipped.
/// Comparison is constant-time.
///
/// ```swift
/// let verifier = WebhookVerifier(secret: secret)
/// try verifier.verify(headers: ["webhook-id": id, "webhook-timestamp": ts, "webhook-signature": sig], body: body)
/// ```
public struct WebhookVerifier: Sendable {
    private let signer: WebhookSigner
    /// How far the timestamp may be from now, either way.
    public var toleranceSeconds: Int64

    /// - Parameter toleranceSeconds: default 5 minutes, as the spec suggests.
    public init(secret: WebhookSecret, toleranceSeconds: Int64 = 300) {
        signer = WebhookSigner(secret: secret)
        self.toleranceSeconds = toleranceSeconds
    }

    /// Verifies the three header values against the body.
    /// - Parameter nowSeconds: the current unix time; nil for the system clock.
    public func verify(
        id: String?, timestamp: String?, signature: String?, body: [UInt8],
        nowSeconds: Int64? = nil
    ) throws(WebhookVerificationError) {
        guard let id, !id.isEmpty else { throw WebhookVerificationError(code: .missingHeader, header: WebhookHeaders.id) }
        guard let timestamp, !timestamp.isEmpty else {
            throw WebhookVerificationError(code: .missingHeader, header: WebhookHeaders.timestamp)
        }
        guard let signature, !signature.isEmpty else {
            throw WebhookVerificationError(code: .missingHeader, header: WebhookHeaders.signature)
        }
        let nowSeconds = nowSeconds ?? Int64(Date().timeIntervalSince1970)
        guard let seconds = Int64(timestamp) else {
            throw WebhookVerificationError(code: .invalidTimestamp, header: WebhookHeaders.timestamp)
        }
        if seconds < nowSeconds - toleranceSeconds {
            throw WebhookVerificationError(code: .timestampTooOld, header: WebhookHeaders.timestamp, skewSeconds: nowSeconds - seconds)
        }
        if seconds > nowSeconds + toleranceSeconds {
            throw WebhookVerificationError(code: .timestampTooNew, header: WebhookHeaders.timestamp, skewSeconds: seconds - nowSeconds)
        }
        let expected = signer.mac(id: id, timestamp: timestamp, body: body)
        var matched = false
        for candidate in signature.split(separator: " ", omittingEmptySubsequences: true) {
            guard let comma = candidate.firstIndex(of: ","), candidate[..<comma] == "v1",
                let given = Data(base64Encoded: String(candidate[candidate.index(after: comma)...]))
            else { continue }
            // Keep looking after a match so the time taken does not depend on which one matched.
            matched = ConstantTime.equals(Array(given), expected) || matched
        }
        guard matched else { throw WebhookVerificationError(code: .noMatchingSignature, header: WebhookHeaders.signature) }
    }

    /// Verifies using headers looked up case-insensitively in a dictionary.
    public func verify(
        headers: [String: String], body: [UInt8], nowSeconds: Int64? = nil
    ) throws(WebhookVerificationError) {
        try verify(headers: headers.map { (name: $0.key, value: $0.value) }, body: body, nowSeconds: nowSeconds)
    }

    /// Verifies using any sequence of `(name, value)` pairs, such as NIO's `HTTPHeaders`;
    /// names are matched case-insensitively and the first occurrence wins.
    public func verify<Headers: Sequence>(
        headers: Headers, body: [UInt8], nowSeconds: Int64? = nil
    ) throws(WebhookVerificationError) where Headers.Element == (name: String, value: String) {
        var id: String?
        var timestamp: String?
        var signature: String?
        for (name, value) in headers {
            switch name.lowercased() {
            case WebhookHeaders.id: id = id ?? value
            case WebhookHeaders.timestamp: timestamp = timestamp ?? value
            case WebhookHeaders.signature: signature = signature ?? value
            default: continue
            }
        }
        try verify(id: id, timestamp: timestamp, signature: signature, body: body, nowSeconds: nowSeconds)
    }
}
