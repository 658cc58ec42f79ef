import Crypto
import Foundation

/// Signs webhook messages as Standard Webhooks `v1` signatures:
/// `v1,` + base64(HMAC-SHA256(secret, "\(id).\(timestamp).\(body)")).
///
/// ```swift
/// // The spec's example: secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
/// let signer = WebhookSigner(secret: secret)
/// let value = signer.sign(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330,
///                         body: Array(#"{"test": 2432232314}"#.utf8))
/// // → "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
/// ```
public struct WebhookSigner: Sendable {
    /// Key bytes; `SymmetricKey` is made per call because it is not `Sendable` in swift-crypto 3.
    private let key: [UInt8]

    public init(secret: WebhookSecret) {
        key = secret.bytes
    }

    /// The `webhook-signature` value for one attempt.
    /// - Parameters:
    ///   - id: the `webhook-id`.
    ///   - timestamp: the `webhook-timestamp`, unix seconds.
    ///   - body: the exact bytes sent as the request body.
    public func sign(id: String, timestamp: Int64, body: [UInt8]) -> String {
        "v1," + Data(mac(id: id, timestamp: String(timestamp), body: body)).base64EncodedString()
    }

    /// The three Standard Webhooks headers for one attempt, in sending order.
    public func headers(id: String, timestamp: Int64, body: [UInt8]) -> [(name: String, value: String)] {
        [
            (WebhookHeaders.id, id),
            (WebhookHeaders.timestamp, String(timestamp)),
            (WebhookHeaders.signature, sign(id: id, timestamp: timestamp, body: body)),
        ]
    }

    /// The raw HMAC over `id.timestamp.body`; `timestamp` is the header text exactly as received.
    func mac(id: String, timestamp: String, body: [UInt8]) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: key))
        hmac.update(data: Array("\(id).\(timestamp).".utf8))
        hmac.update(data: body)
        return Array(hmac.finalize())
    }
}
