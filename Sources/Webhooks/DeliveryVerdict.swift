import Clocks
import Foundation

/// What one attempt's HTTP status means for a message (DESIGN §3.3), decided without I/O.
public enum DeliveryVerdict: Sendable, Equatable {
    /// 2xx: done.
    case delivered
    /// 410: the receiver is gone; stop sending to it until restart or a configuration change.
    case gone
    /// Other 4xx (not 408 or 429): retrying cannot help; keep it as a dead letter.
    case dead(reason: String)
    /// 408, 429, 5xx, anything else, and transport failures: try again later, no sooner than
    /// `retryAfter` when the receiver said so.
    case retry(retryAfter: Duration?)

    /// Classifies a response.
    /// - Parameters:
    ///   - status: the HTTP status code.
    ///   - retryAfter: the `Retry-After` header value, if any; honoured on 429 and 503 when it is
    ///     a number of seconds (the HTTP-date form is ignored: the edge's clock is not the receiver's).
    public static func classify(status: Int, retryAfter: String? = nil) -> DeliveryVerdict {
        switch status {
        case 200..<300:
            return .delivered
        case 410:
            return .gone
        case 408:
            return .retry(retryAfter: nil)
        case 429, 503:
            return .retry(retryAfter: retryAfter.flatMap(parseRetryAfter))
        case 400..<500:
            return .dead(reason: "HTTP \(status)")
        default:
            return .retry(retryAfter: nil)
        }
    }

    /// `Retry-After: <seconds>`, at most an hour (``Clocks/RetryAfter``); nil for anything else.
    static func parseRetryAfter(_ value: String) -> Duration? {
        RetryAfter.parse(value)
    }
}
