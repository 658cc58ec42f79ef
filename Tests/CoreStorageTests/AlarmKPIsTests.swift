import CoreStorage
import Readings
import Testing

@Suite("Alarm KPIs (EEMUA 191)")
struct AlarmKPIsTests {
    static let now: Int64 = 1_796_700_000_000

    static func start(_ id: String, site: String = "seoul", device: String = "press-01", rule: String = "overheat", ago: Int64) -> AlertStart {
        AlertStart(alertID: id, point: AlarmPoint(rule: rule, site: site, line: "line1", device: device, sensor: "temperature"), atMillis: now - ago)
    }

    static func firing(_ id: String, site: String = "seoul", startedAgo: Int64) -> AlertRecord {
        AlertRecord(
            edge: "seoul-a", alertID: id, rule: "overheat", severity: "critical", status: "firing", notification: "firing", site: site,
            line: "line1", device: "press-01", sensor: "temperature", value: 1, startedAtMillis: now - startedAgo, endedAtMillis: nil,
            atMillis: now - startedAgo, json: "{}")
    }

    @Test("rate per 10 minutes, its average and peak, flood periods, standing, stale, unacknowledged; an alert sent by both edges of a pair counts once")
    func perSite() {
        var starts = (0..<12).map { Self.start("f\($0)", device: "d\($0)", ago: 3_600_000 + Int64($0) * 1_000) }  // a flood an hour ago
        starts += [Self.start("a", ago: 60_000), Self.start("a", ago: 60_000), Self.start("b", ago: 120_000)]
        starts.append(Self.start("g", site: "gwangju", ago: 7_000_000))
        starts.append(Self.start("old", ago: 90_000_000))  // before the window
        let kpis = AlarmKPIs.compute(
            starts: starts, firing: [Self.firing("a", startedAgo: 60_000), Self.firing("s", startedAgo: 100_000_000)],
            acknowledged: ["a"], nowMillis: Self.now, windowMillis: 86_400_000)
        let seoul = try? #require(kpis.sites.first { $0.name == "seoul" })
        #expect(seoul?.lastTenMinutes == 2)
        #expect(seoul?.peakTenMinutes == 12)
        #expect(seoul?.floodPeriods == 1)
        #expect(seoul?.averagePerTenMinutes == 14.0 / 144.0)
        #expect(seoul?.standing == 2 && seoul?.stale == 1 && seoul?.unacknowledged == 1)
        #expect(kpis.sites.map(\.name) == ["gwangju", "seoul"])
        #expect(kpis.sites.first?.lastTenMinutes == 0 && kpis.sites.first?.standing == 0)
    }

    @Test("chattering: 3 or more starts of one alarm point within a minute; the top list counts starts per point")
    func chatteringAndTop() {
        let starts = [
            Self.start("c1", device: "valve-2", ago: 300_000), Self.start("c2", device: "valve-2", ago: 280_000),
            Self.start("c3", device: "valve-2", ago: 250_000), Self.start("c4", device: "valve-2", ago: 100_000),
            Self.start("n1", device: "pump-1", ago: 300_000), Self.start("n2", device: "pump-1", ago: 200_000),
            Self.start("n3", device: "pump-1", ago: 100_000),
        ]
        let kpis = AlarmKPIs.compute(starts: starts, firing: [], acknowledged: [], nowMillis: Self.now, windowMillis: 86_400_000)
        #expect(kpis.chattering.map(\.point.device) == ["valve-2"], "pump-1 started 3 times, but a minute or more apart")
        #expect(kpis.chattering.first?.count == 3)
        #expect(kpis.top.map { "\($0.point.device):\($0.count)" } == ["valve-2:4", "pump-1:3"])
        #expect(kpis.sites.first?.chattering == 1)
    }
}
