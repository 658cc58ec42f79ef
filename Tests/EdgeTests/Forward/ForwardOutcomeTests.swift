@testable import Edge
import Testing

@Suite("Forward outcome")
struct ForwardOutcomeTests {
    @Test("statuses classify as the batch contract says", arguments: [
        (200, ForwardOutcome.acknowledged(status: 200)), (204, .acknowledged(status: 204)),
        (401, .unauthorized(status: 401)), (403, .unauthorized(status: 403)),
        (400, .rejected(status: 400)), (413, .rejected(status: 413)), (422, .rejected(status: 422)), (409, .unknownSeries(status: 409)),
        (408, .throttled(status: 408, retryAfterMillis: nil)), (500, .serverError(status: 500)),
        (503, .serverError(status: 503)), (302, .serverError(status: 302)),
    ])
    func classifies(status: Int, expected: ForwardOutcome) {
        #expect(ForwardOutcome.classify(status: status, retryAfter: nil) == expected)
    }

    @Test("429 carries Retry-After in milliseconds; a date or garbage is ignored")
    func retryAfter() {
        #expect(ForwardOutcome.classify(status: 429, retryAfter: "7") == .throttled(status: 429, retryAfterMillis: 7_000))
        #expect(ForwardOutcome.classify(status: 429, retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT") == .throttled(status: 429, retryAfterMillis: nil))
        #expect(ForwardOutcome.classify(status: 429, retryAfter: "-3") == .throttled(status: 429, retryAfterMillis: nil))
        // Numbers from outside never trap: at most an hour, however large.
        #expect(ForwardOutcome.classify(status: 429, retryAfter: "9999999999999999") == .throttled(status: 429, retryAfterMillis: 3_600_000))
        #expect(ForwardOutcome.classify(status: 408, retryAfter: String(repeating: "9", count: 30)) == .throttled(status: 408, retryAfterMillis: 3_600_000))
    }
}
