@testable import Edge
import Spool
import TestSupport
import Testing
import Webhooks

@Suite("Batch window (the forwarder's state machine)")
struct BatchWindowTests {
    static func batches(_ seqs: ClosedRange<Int64>, readings: Int = 1_000) -> [SealedBatch] {
        seqs.map { SealedBatch(seq: $0, readings: readings, firstTs: $0 * 10, lastTs: $0 * 10 + 9, sealedMillis: $0) }
    }

    static func window(inFlight: Int = 4, urls: Int = 1, maxRate: Int = 0, parkMillis: Int64 = 60_000) -> BatchWindow {
        BatchWindow(
            settings: .init(inFlight: inFlight, parkMillis: parkMillis),
            failover: CoreFailover(urlCount: urls, backoff: RetryPolicy(initialBackoff: .milliseconds(100), maximumBackoff: .seconds(5))),
            rate: RateCap(perSecond: maxRate))
    }

    @Test("sends the oldest batches first, at most in_flight at once, and asks for more as they complete")
    func oldestFirstWithinTheLimit() {
        var random = SeededGenerator(seed: 1)
        var window = Self.window(inFlight: 3)
        #expect(window.wanted == 6)
        window.add(Self.batches(1...6))
        #expect(window.wanted == 0)
        #expect(window.nextSends(nowMillis: 0).map(\.batch.seq) == [1, 2, 3])
        #expect(window.nextSends(nowMillis: 0).isEmpty, "the window is full")
        #expect(window.completed(seq: 2, .acknowledged(status: 200), nowMillis: 5, using: &random) == .delete(Self.batches(2...2)[0], attempts: 1))
        #expect(window.wanted == 1)
        #expect(window.nextSends(nowMillis: 5).map(\.batch.seq) == [4])
        window.add(Self.batches(5...7))  // overlapping listing: 5 and 6 are known already
        #expect(window.entries.map(\.batch.seq) == [1, 3, 4, 5, 6, 7])
        #expect(window.listedThrough == 7)
    }

    @Test("a failed batch is sent again after the backoff, before younger ones")
    func retryAfterBackoff() {
        var random = SeededGenerator(seed: 2)
        var window = Self.window(inFlight: 1)
        window.add(Self.batches(1...4))
        _ = window.nextSends(nowMillis: 0)
        #expect(window.completed(seq: 1, .serverError(status: 503), nowMillis: 10, using: &random) == .retry(movedURL: false))
        #expect(window.nextSends(nowMillis: 10).isEmpty, "the lane backs off")
        let wake = try! #require(window.nextWakeMillis(nowMillis: 10))
        #expect(wake > 10 && wake <= 110)
        let resent = window.nextSends(nowMillis: wake)
        #expect(resent.map(\.batch.seq) == [1])
        #expect(resent.first?.attempt == 2)
    }

    @Test("a batch the core refuses (4xx) is kept and parked; the others go on")
    func refusedBatchIsParked() {
        var random = SeededGenerator(seed: 3)
        var window = Self.window(inFlight: 1, parkMillis: 60_000)
        window.add(Self.batches(1...3))
        _ = window.nextSends(nowMillis: 0)
        #expect(window.completed(seq: 1, .rejected(status: 422), nowMillis: 10, using: &random) == .parked(untilMillis: 60_010, attempts: 1))
        #expect(window.parkedCount == 1)
        #expect(window.nextSends(nowMillis: 10).map(\.batch.seq) == [2], "no pause for the others")
        _ = window.completed(seq: 2, .acknowledged(status: 200), nowMillis: 20, using: &random)
        #expect(window.nextSends(nowMillis: 20).map(\.batch.seq) == [3])
        _ = window.completed(seq: 3, .acknowledged(status: 200), nowMillis: 30, using: &random)
        #expect(window.nextWakeMillis(nowMillis: 30) == 60_010)
        #expect(window.nextSends(nowMillis: 60_010).map(\.batch.seq) == [1], "retried after the long pause")
    }

    @Test("a batch whose series keys the core lacks (409) goes again at once with every key defined; refused so again, it is parked")
    func unknownSeriesResendsDefined() {
        var random = SeededGenerator(seed: 9)
        var window = Self.window(inFlight: 1, parkMillis: 60_000)
        window.add(Self.batches(1...2))
        #expect(window.nextSends(nowMillis: 0).map(\.defineAll) == [false])
        #expect(window.completed(seq: 1, .unknownSeries(status: 409), nowMillis: 10, using: &random) == .resendDefined)
        let again = window.nextSends(nowMillis: 10)
        #expect(again.map(\.batch.seq) == [1], "no backoff, no failover")
        #expect(again.first?.defineAll == true && again.first?.attempt == 2)
        #expect(window.failover.failures == 0)
        #expect(window.completed(seq: 1, .unknownSeries(status: 409), nowMillis: 20, using: &random) == .parked(untilMillis: 60_020, attempts: 2))
        #expect(window.nextSends(nowMillis: 20).map(\.batch.seq) == [2])
    }

    @Test("fails over to the second URL with one probe, and opens the window again after a success")
    func failoverWithinTheWindow() {
        var random = SeededGenerator(seed: 4)
        var window = Self.window(inFlight: 2, urls: 2)
        window.add(Self.batches(1...3))
        let sends = window.nextSends(nowMillis: 0)
        #expect(sends.allSatisfy { $0.ticket.url == 0 })
        #expect(window.completed(seq: 1, .unreachable(reason: "refused"), nowMillis: 1, using: &random) == .retry(movedURL: true))
        #expect(window.completed(seq: 2, .unreachable(reason: "refused"), nowMillis: 1, using: &random) == .retry(movedURL: false))
        let probe = window.nextSends(nowMillis: 1)
        #expect(probe.map(\.batch.seq) == [1], "one request while the core is failing")
        #expect(probe.first?.ticket.url == 1)
        _ = window.completed(seq: 1, .acknowledged(status: 200), nowMillis: 2, using: &random)
        let again = window.nextSends(nowMillis: 2)
        #expect(again.map(\.batch.seq) == [2, 3])
        #expect(again.allSatisfy { $0.ticket.url == 1 })
    }

    @Test("the rate cap spaces batches out")
    func rateCap() {
        var random = SeededGenerator(seed: 5)
        var window = Self.window(inFlight: 4, maxRate: 2_000)
        window.add(Self.batches(1...4, readings: 1_000))
        #expect(window.nextSends(nowMillis: 0).map(\.batch.seq) == [1])
        _ = window.completed(seq: 1, .acknowledged(status: 200), nowMillis: 10, using: &random)
        #expect(window.nextSends(nowMillis: 10).isEmpty)
        #expect(window.nextWakeMillis(nowMillis: 10) == 500)
        #expect(window.nextSends(nowMillis: 500).map(\.batch.seq) == [2])
    }

    @Test("draining starts nothing new and lists nothing more")
    func draining() {
        var window = Self.window()
        window.add(Self.batches(1...2))
        window.drain()
        #expect(window.wanted == 0)
        #expect(window.nextSends(nowMillis: 0).isEmpty)
        #expect(window.nextWakeMillis(nowMillis: 0) == nil)
    }

    @Test("a batch dropped from the spool meanwhile is forgotten; an unknown completion changes nothing")
    func forgetAndUnknown() {
        var random = SeededGenerator(seed: 6)
        var window = Self.window(inFlight: 1)
        window.add(Self.batches(1...2))
        _ = window.nextSends(nowMillis: 0)
        window.forget(seq: 1)
        #expect(window.completed(seq: 1, .acknowledged(status: 200), nowMillis: 1, using: &random) == .unknown)
        #expect(window.nextSends(nowMillis: 1).map(\.batch.seq) == [2])
    }
}
