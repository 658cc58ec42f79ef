@testable import Edge
import Testing

@Suite("Alert lane: finding the notification the core refuses")
struct AlertRefusalIsolationTests {
    @Test("a refused post of several is sent again one at a time for as many rows; a refused single row is set aside; then full posts again")
    func isolatesTheRefusedRow() {
        var isolation = AlertRefusalIsolation()
        #expect(isolation.limit(normal: 100) == 100)
        #expect(isolation.refused(count: 3, status: 400) == .sendSingly)
        #expect(isolation.limit(normal: 100) == 1)
        isolation.acknowledged(count: 1)
        #expect(isolation.refused(count: 1, status: 400) == .setAside)
        #expect(isolation.limit(normal: 100) == 1, "one row of the three is left")
        isolation.acknowledged(count: 1)
        #expect(isolation.limit(normal: 100) == 100)
        #expect(isolation.refused(count: 1, status: 413) == .setAside, "a single row too large for the core")
    }

    @Test("refusals that are the edge's configuration (token, URL), not a notification's fault, keep the rows and retry")
    func configurationRefusalsKeepTheRows() {
        var isolation = AlertRefusalIsolation()
        for status in [401, 403, 404, 405, 422] {
            #expect(isolation.refused(count: 5, status: status) == .retryLater, "\(status)")
            #expect(isolation.refused(count: 1, status: status) == .retryLater, "\(status)")
        }
        #expect(isolation.limit(normal: 100) == 100)
    }
}
