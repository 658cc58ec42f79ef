import Clocks
import Foundation
import NIOCore

/// What one POST to the core came to, classified for the forwarder (DESIGN §3.4).
enum ForwardOutcome: Sendable, Equatable {
    /// 2xx: the core has it (a repeat also gets 200). Delete it / mark it forwarded.
    case acknowledged(status: Int)
    /// No answer: refused, reset, timed out, DNS. Try the next core URL, back off.
    case unreachable(reason: String)
    /// 5xx: the core is there but failing. Try the next core URL, back off.
    case serverError(status: Int)
    /// 2xx whose body is not haetae-core's answer (a captive portal, a proxy's page, a wrong
    /// URL): nothing is known to be stored, so nothing is deleted. Like a 5xx: next URL, back off.
    case foreignAnswer(status: Int)
    /// 408 or 429: the core is busy. Back off (at least `Retry-After`), same URL.
    case throttled(status: Int, retryAfterMillis: Int64?)
    /// 401 or 403: this edge's token is refused. Every request would fail alike: the whole lane
    /// backs off long, and nothing is deleted.
    case unauthorized(status: Int)
    /// 409: the core does not know some series keys of this dictionary batch (it lost the
    /// edge's dictionary, e.g. restored from a backup, or it is another core). Send the batch
    /// again at once with every key defined.
    case unknownSeries(status: Int)
    /// Any other 4xx: this request is the problem (malformed, too large). Keep it, count it,
    /// retry it only after a long pause; the others go on.
    case rejected(status: Int)

    /// Whether a 2xx body is haetae-core's acknowledgement: a JSON object whose `status` is one
    /// of `statuses` (`stored`, `duplicate` for batches; `stored` for alerts).
    /// Whether the core's answer to an alert post counts stop-command records (`"commands":M`):
    /// a core older than the edge skips `commands` and says nothing of them.
    static func answerFilesCommands(_ body: ByteBuffer) -> Bool {
        guard body.readableBytes <= 64 * 1024,
            let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        else { return false }
        return object["commands"] is NSNumber
    }

    static func isCoreAcknowledgement(_ body: ByteBuffer, statuses: Set<String>) -> Bool {
        guard body.readableBytes <= 64 * 1024,
            let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
            let status = object["status"] as? String
        else { return false }
        return statuses.contains(status)
    }

    /// Classifies a status code and its `Retry-After` header (seconds).
    static func classify(status: Int, retryAfter: String?) -> ForwardOutcome {
        switch status {
        case 200..<300: return .acknowledged(status: status)
        case 408, 429:
            // At most an hour, however large the header: a number from outside never traps.
            return .throttled(status: status, retryAfterMillis: retryAfter.flatMap(RetryAfter.parse)?.milliseconds)
        case 401, 403: return .unauthorized(status: status)
        case 409: return .unknownSeries(status: status)
        case 400..<500: return .rejected(status: status)
        default: return .serverError(status: status)  // 5xx, and 1xx/3xx the client did not resolve
        }
    }

    /// The label for `haetae_forward_*_failed_total{reason}`; nil for success.
    var failureReason: String? {
        switch self {
        case .acknowledged: nil
        case .unreachable: "unreachable"
        case .serverError: "server_error"
        case .foreignAnswer: "not_core"
        case .throttled: "throttled"
        case .unauthorized: "unauthorized"
        case .unknownSeries: "unknown_series"
        case .rejected: "rejected"
        }
    }

    static let failureReasons = ["unreachable", "server_error", "not_core", "throttled", "unauthorized", "unknown_series", "rejected"]
}
