@testable import Edge
import Testing
import Webhooks

@Suite("Alert lane decisions")
struct AlertLaneTests {
    static func lane(urls: Int = 1) -> AlertLane {
        AlertLane(
            settings: AlertLane.Settings(maxPerPost: 100, parkMillis: 60_000),
            failover: CoreFailover(urlCount: urls, backoff: RetryPolicy(initialBackoff: .milliseconds(100), maximumBackoff: .seconds(60))))
    }

    @Test("a 2xx marks the post's notifications forwarded; the first one after failures says the core is back")
    func acknowledged() {
        var lane = Self.lane()
        var random = SystemRandomNumberGenerator()
        #expect(lane.pausedUntil(nowMillis: 0) == nil)
        #expect(lane.postSize == 100)
        #expect(lane.completed(.acknowledged(status: 200), ticket: lane.ticket, count: 5, nowMillis: 0, using: &random) == .forwarded(recovered: false))
        #expect(lane.completed(.serverError(status: 503), ticket: lane.ticket, count: 5, nowMillis: 10, using: &random) == .retry(movedURL: false))
        let resume = lane.pausedUntil(nowMillis: 10)
        #expect(resume != nil && resume! > 10 && resume! <= 10 + 100, "backoff of the first failure, jittered")
        #expect(lane.completed(.acknowledged(status: 200), ticket: lane.ticket, count: 5, nowMillis: 200, using: &random) == .forwarded(recovered: true))
        #expect(lane.pausedUntil(nowMillis: 200) == nil)
        #expect(lane.completed(.acknowledged(status: 200), ticket: lane.ticket, count: 5, nowMillis: 300, using: &random) == .forwarded(recovered: false))
    }

    @Test("a post refused as malformed is sent one notification at a time; the refused one is set aside and full posts follow")
    func findsTheRefusedNotification() {
        var lane = Self.lane()
        var random = SystemRandomNumberGenerator()
        #expect(lane.completed(.rejected(status: 400), ticket: lane.ticket, count: 3, nowMillis: 0, using: &random) == .sendSingly)
        #expect(lane.pausedUntil(nowMillis: 0) == nil, "no pause: the good ones go at once")
        #expect(lane.postSize == 1)
        #expect(lane.completed(.acknowledged(status: 200), ticket: lane.ticket, count: 1, nowMillis: 1, using: &random) == .forwarded(recovered: false))
        #expect(lane.completed(.rejected(status: 413), ticket: lane.ticket, count: 1, nowMillis: 2, using: &random) == .setAside)
        #expect(lane.postSize == 1)
        #expect(lane.completed(.acknowledged(status: 200), ticket: lane.ticket, count: 1, nowMillis: 3, using: &random) == .forwarded(recovered: false))
        #expect(lane.postSize == 100)
    }

    @Test("a refusal the notifications cannot fix (a URL the core does not serve, 409) keeps them and pauses the lane long")
    func parks() {
        for outcome in [ForwardOutcome.rejected(status: 404), .rejected(status: 422), .unknownSeries(status: 409)] {
            var lane = Self.lane()
            var random = SystemRandomNumberGenerator()
            #expect(lane.completed(outcome, ticket: lane.ticket, count: 7, nowMillis: 1_000, using: &random) == .parked(untilMillis: 61_000))
            #expect(lane.pausedUntil(nowMillis: 60_999) == 61_000)
            #expect(lane.pausedUntil(nowMillis: 61_000) == nil)
            #expect(lane.postSize == 100)
        }
    }

    @Test("no answer moves to the next core URL at once, then backs off; a refused token pauses for the longest backoff")
    func failsOver() {
        var lane = Self.lane(urls: 2)
        var random = SystemRandomNumberGenerator()
        let first = lane.ticket
        #expect(lane.completed(.unreachable(reason: "refused"), ticket: first, count: 1, nowMillis: 0, using: &random) == .retry(movedURL: true))
        #expect(lane.ticket.url == 1)
        #expect(lane.pausedUntil(nowMillis: 0) == nil, "the other URL is tried at once")
        #expect(lane.completed(.unreachable(reason: "refused"), ticket: lane.ticket, count: 1, nowMillis: 1, using: &random) == .retry(movedURL: true))
        #expect(lane.pausedUntil(nowMillis: 1) != nil, "both failed: back off")

        var token = Self.lane()
        #expect(token.completed(.unauthorized(status: 401), ticket: token.ticket, count: 1, nowMillis: 0, using: &random) == .retry(movedURL: false))
        #expect(token.pausedUntil(nowMillis: 59_999) == 60_000)
    }

    @Test("while it finds a refused item the lane says so; a core that took commands without filing them parks the commands, not the alerts")
    func singlesAndCommandsParking() {
        var lane = Self.lane()
        var random = SystemRandomNumberGenerator()
        #expect(!lane.sendingSingly && lane.carriesCommands(nowMillis: 0))
        _ = lane.completed(.rejected(status: 400), ticket: lane.ticket, count: 2, nowMillis: 0, using: &random)
        #expect(lane.sendingSingly)
        _ = lane.completed(.acknowledged(status: 200), ticket: lane.ticket, count: 1, nowMillis: 1, using: &random)
        _ = lane.completed(.acknowledged(status: 200), ticket: lane.ticket, count: 1, nowMillis: 2, using: &random)
        #expect(!lane.sendingSingly)
        lane.commandsNotFiled(nowMillis: 10)
        #expect(!lane.carriesCommands(nowMillis: 59_999) && lane.carriesCommands(nowMillis: 60_010))
        #expect(lane.pausedUntil(nowMillis: 11) == nil, "alerts still go")
    }
}
