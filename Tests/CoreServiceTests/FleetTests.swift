@testable import CoreService
import CoreStorage
import Readings
import SitePage
import Foundation
import Testing

@Suite("The fleet: how the core judges its edges, and its edge-down alarm")
struct FleetTests {
    static let now: Int64 = 1_796_616_000_000

    static func status(_ edge: String = "seoul-a", at: Int64 = now, interval: Int64 = 5_000) -> EdgeStatus {
        EdgeStatus(
            edge: edge, site: "seoul", version: "0.1.0", role: .active, atMillis: at, intervalMillis: interval, mqttConnected: true,
            spoolBytes: 100, spoolCapacityBytes: 1_000)
    }

    @Test("an edge is ok while it reports, stale after 3 missed reports, down after 6 (with floors for short intervals)")
    func staleness() {
        let status = Self.status()
        #expect(EdgeAssessment(status, receivedAtMillis: Self.now, nowMillis: Self.now + 14_000).health == .ok)
        #expect(EdgeAssessment(status, receivedAtMillis: Self.now, nowMillis: Self.now + 16_000).health == .stale)
        let down = EdgeAssessment(status, receivedAtMillis: Self.now, nowMillis: Self.now + 31_000)
        #expect(down.health == .down && down.problems == ["no report for 31 s"] && down.silentMillis == 31_000)
        let fast = Self.status(interval: 200)
        #expect(EdgeAssessment.thresholds(intervalMillis: 200) == (stale: 2_000, down: 5_000))
        #expect(EdgeAssessment(fast, receivedAtMillis: Self.now, nowMillis: Self.now + 1_000).health == .ok)
    }

    @Test("a reporting edge with problems is a warning, each problem worded")
    func warnings() {
        var status = Self.status()
        status.mqttConnected = false
        status.spoolBytes = 900
        status.spoolFullInSeconds = 600
        status.oldestUnsentSeconds = 900
        status.rulesError = "rules.yaml:3:7: unknown key"
        status.outboxDepth = 5_000
        status.atMillis = Self.now + 3_000
        let assessment = EdgeAssessment(status, receivedAtMillis: Self.now, nowMillis: Self.now)
        #expect(assessment.health == .warning)
        #expect(assessment.problems == [
            "not connected to the site broker", "spool 90% full", "spool full in 10 min at this rate", "readings waiting 15 min for the core",
            "rule file not loaded: rules.yaml:3:7: unknown key", "5000 webhooks waiting", "clock off by 3000 ms",
        ])
        #expect(assessment.clockOffsetMillis == 3_000)
        var standby = Self.status()
        standby.role = .standby
        standby.mqttConnected = false
        #expect(EdgeAssessment(standby, receivedAtMillis: Self.now, nowMillis: Self.now).health == .ok, "a standby holds the session down on purpose")
    }

    @Test("the fleet keeps the last report of each edge to arrive (a clock stepped back too) and a bounded trend")
    func fleet() {
        let fleet = EdgeFleet()
        fleet.record(Self.status(at: Self.now), receivedAtMillis: Self.now)
        fleet.record(Self.status(at: Self.now - 3_600_000), receivedAtMillis: Self.now + 10)
        #expect(fleet.all.first?.status.atMillis == Self.now - 3_600_000 && fleet.all.first?.receivedAtMillis == Self.now + 10)
        for index in 1...200 { fleet.record(Self.status(at: Self.now + Int64(index) * 5_000), receivedAtMillis: Self.now + Int64(index) * 5_000) }
        fleet.record(Self.status("gwangju-a"), receivedAtMillis: Self.now)
        let all = fleet.all
        #expect(all.map(\.status.edge) == ["gwangju-a", "seoul-a"], "by site, then name")
        let seoul = all.first { $0.status.edge == "seoul-a" }
        #expect(seoul?.trend.count == EdgeFleet.trendLength && seoul?.status.atMillis == Self.now + 1_000_000)
        #expect(fleet.restore([StoredEdgeStatus(edge: "x", site: "s", json: "{", receivedAtMillis: 0)]) == ["x"])
    }

    @Test("core:edge-down fires once when an edge goes down, resolves when it reports again, and is taken back after a restart without resolving or firing again")
    func edgeDown() {
        var alarms = EdgeDownAlarms()
        let status = Self.status()
        func judge(_ at: Int64, lastReport: Int64 = FleetTests.now, heardSince: Int64 = .min) -> [EdgeDownAlarms.Judged] {
            [EdgeDownAlarms.Judged(
                status: status, assessment: EdgeAssessment(status, receivedAtMillis: lastReport, nowMillis: at, heardSinceMillis: heardSince),
                lastReportMillis: lastReport)]
        }
        #expect(alarms.advance(judge(Self.now + 20_000), nowMillis: Self.now + 20_000).isEmpty, "stale is not down")
        let fired = alarms.advance(judge(Self.now + 31_000), nowMillis: Self.now + 31_000)
        #expect(fired.count == 1 && fired[0].kind == .firing && fired[0].alert.rule == "core:edge-down" && fired[0].alert.device == "seoul-a")
        #expect(fired[0].alert.severity == "critical" && fired[0].alert.site == "seoul" && fired[0].alert.edge == "core")
        #expect(fired[0].alert.annotations["summary"] == "edge seoul-a of seoul sent no status for 31 s (it reports every 5000 ms)")
        #expect(alarms.advance(judge(Self.now + 40_000), nowMillis: Self.now + 40_000).isEmpty, "once")

        // A restart at +60 s: the alarm comes back from the store (an edge's alert of that name
        // is not taken); the core's grace keeps the edge from looking down, but that does not
        // resolve the alarm: only a report does.
        var restarted = EdgeDownAlarms()
        var forged = AlertRecordParser.record(fired[0], edge: "core")
        forged.edge = "seoul-b"
        forged.device = "gwangju-a"
        restarted.restore([AlertRecordParser.record(fired[0], edge: "core"), forged])
        #expect(restarted.open.keys.sorted() == ["seoul-a"])
        #expect(restarted.advance(judge(Self.now + 61_000, heardSince: Self.now + 60_000), nowMillis: Self.now + 61_000).isEmpty)
        #expect(restarted.advance(judge(Self.now + 95_000, heardSince: Self.now + 60_000), nowMillis: Self.now + 95_000).isEmpty, "down again: still the one alarm")
        let back = restarted.advance(judge(Self.now + 100_000, lastReport: Self.now + 99_000), nowMillis: Self.now + 100_000)
        #expect(back.count == 1 && back[0].kind == .resolved && back[0].alert.id == fired[0].alert.id)
        #expect(back[0].alert.endedAtMillis == Self.now + 100_000 && restarted.open.isEmpty)
    }

    @Test("an alarm of an edge no longer configured resolves; figures no Int can hold never trap the judgement")
    func removedEdgesAndHugeFigures() {
        var alarms = EdgeDownAlarms()
        let status = Self.status()
        let down = EdgeDownAlarms.Judged(status: status, assessment: EdgeAssessment(status, receivedAtMillis: Self.now, nowMillis: Self.now + 60_000), lastReportMillis: Self.now)
        #expect(alarms.advance([down], nowMillis: Self.now + 60_000).count == 1)
        let gone = alarms.advance([], nowMillis: Self.now + 61_000)
        #expect(gone.count == 1 && gone[0].kind == .resolved && gone[0].alert.annotations["summary"] == "edge seoul-a is no longer configured at the core")

        var huge = Self.status()
        huge.spoolBytes = .max
        huge.spoolCapacityBytes = 1
        huge.oldestUnsentSeconds = 1e12
        let assessment = EdgeAssessment(huge, receivedAtMillis: Self.now, nowMillis: Self.now)
        #expect(assessment.health == .warning && assessment.problems.contains("spool 1000000000000000% full"))
        #expect(EdgeAssessment(huge, receivedAtMillis: Self.now, nowMillis: Self.now, heardSinceMillis: Self.now + 1).clockOffsetMillis == 0)
    }

    @Test("the edges' JSON is valid whatever the figures, lists only configured edges, and says never only of those that never reported")
    func edgesJSON() throws {
        let fleet = EdgeFleet()
        var wild = Self.status()
        wild.ingestRate = 1e306
        fleet.record(wild, receivedAtMillis: Self.now)
        fleet.record(Self.status("removed-a"), receivedAtMillis: Self.now)
        var anySite = Self.status("roamer")
        anySite.site = "gwangju"
        fleet.record(anySite, receivedAtMillis: Self.now)
        let tokens = EdgeTokens(["seoul-a": "t1", "roamer": "t2", "quiet": "t3"], sites: ["seoul-a": ["seoul"]])
        let json = FleetRoutes.edgesJSON(fleet.all, tokens: tokens, site: "seoul", nowMillis: Self.now)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        let edges = try #require(object["edges"] as? [[String: Any]])
        #expect(edges.map { $0["edge"] as? String } == ["seoul-a"], "roamer reported (for gwangju); quiet may write any site, so it shows under none")
        let all = try #require(try JSONSerialization.jsonObject(with: Data(FleetRoutes.edgesJSON(fleet.all, tokens: tokens, site: nil, nowMillis: Self.now))) as? [String: Any])
        let names = (all["edges"] as? [[String: Any]] ?? []).map { "\($0["edge"] ?? ""):\($0["health"] ?? "")" }
        #expect(names == ["roamer:ok", "seoul-a:ok", "quiet:never"])
        let trend = ((edges[0]["trend"] as? [String: Any])?["ingest_rate"] as? [Any])
        #expect(trend?.count == 1)
    }
}
