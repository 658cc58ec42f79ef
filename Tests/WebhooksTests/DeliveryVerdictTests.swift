import Testing
@testable import Webhooks

@Suite("Delivery verdicts")
struct DeliveryVerdictTests {
    @Test(
        "HTTP statuses map to the outcomes of DESIGN §3.3",
        arguments: [
            (200, nil, DeliveryVerdict.delivered),
            (204, nil, .delivered),
            (299, nil, .delivered),
            (410, nil, .gone),
            (400, nil, .dead(reason: "HTTP 400")),
            (401, nil, .dead(reason: "HTTP 401")),
            (404, nil, .dead(reason: "HTTP 404")),
            (413, nil, .dead(reason: "HTTP 413")),
            (408, "5", .retry(retryAfter: nil)),
            (429, nil, .retry(retryAfter: nil)),
            (429, "3", .retry(retryAfter: .seconds(3))),
            (429, " 7 ", .retry(retryAfter: .seconds(7))),
            (429, "Wed, 21 Oct 2015 07:28:00 GMT", .retry(retryAfter: nil)),
            (503, "2", .retry(retryAfter: .seconds(2))),
            (500, "2", .retry(retryAfter: nil)),
            (502, nil, .retry(retryAfter: nil)),
            (301, nil, .retry(retryAfter: nil)),
            (101, nil, .retry(retryAfter: nil)),
        ] as [(Int, String?, DeliveryVerdict)])
    func classify(status: Int, retryAfter: String?, verdict: DeliveryVerdict) {
        #expect(DeliveryVerdict.classify(status: status, retryAfter: retryAfter) == verdict)
    }
}
