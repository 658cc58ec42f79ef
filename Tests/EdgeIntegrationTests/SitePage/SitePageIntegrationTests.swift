import Foundation
import TestSupport
import Testing

/// The edge's own site page over real HTTP: the page and its data in the core's forms, from the
/// edge's own readings and alerts, with no core at all; who may read it.
@Suite("Site page at the edge (integration)", .timeLimit(.minutes(3)))
struct SitePageIntegrationTests {
    static let rules = """
        rules:
          - name: press-overheat
            match: {device: "press-*", sensor: temperature}
            when: value > 100
            severity: critical
            annotations: {summary: "{device} is {value}°C"}
        """

    static func json(_ port: Int, _ path: String) -> [String: Any]? {
        HTTPGet.fetch(port: port, path: path).flatMap { try? JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any] }
    }

    @Test("the edge serves the site page and its latest values, 30-second history, alerts and own status from its own data, without a core")
    func servesItsOwnData() async throws {
        let broker = try await MosquittoBroker()
        let edge = try EdgeProcess(brokerPort: broker.port, rules: Self.rules, http: "page_url: \"http://10.20.0.5:9100/\"")
        try await edge.start()
        defer { Task { await edge.stop() } }
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        // press-1: three readings in one 30 s bucket, one in the next; press-2 on line2 overheats.
        let bucket = (now / 30_000 - 2) * 30_000
        for (offset, value) in [(1_000, 10.0), (2_000, 20.0), (3_000, 30.0), (31_000, 50.0)] {
            try await AlertTest.publish(broker, device: "press-1", value: value, ts: bucket + Int64(offset))
        }
        try await AlertTest.publish(broker, device: "press-2", line: "line2", value: 150, ts: now)

        #expect(await eventually(timeout: .seconds(10)) {
            ((Self.json(edge.httpPort, "/api/v1/series?site=seoul")?["series"] as? [[String: Any]])?.count ?? 0) == 2
        })
        let page = try #require(HTTPGet.fetch(port: edge.httpPort, path: "/"))
        #expect(page.status == 200 && page.body.contains(#"data-scope="site""#) && page.body.contains("seoul · test-edge"))
        #expect(!page.body.contains(#"id="kpis""#) && !page.body.contains(#"id="audit""#), "the core's panels are not on the site page")
        #expect(HTTPGet.fetch(port: edge.httpPort, path: "/assets/dashboard.js")?.body.contains("SCOPE") == true)

        let sites = try #require(Self.json(edge.httpPort, "/api/v1/sites")?["sites"] as? [[String: Any]])
        #expect(sites.count == 1 && sites[0]["name"] as? String == "seoul")
        let lines = (sites[0]["lines"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(lines == ["line1", "line2"])

        let series = try #require(Self.json(edge.httpPort, "/api/v1/series?site=seoul&line=line1")?["series"] as? [[String: Any]])
        #expect(series.count == 1)
        let press1 = try #require(series.first)
        #expect(press1["device"] as? String == "press-1" && press1["last_value"] as? Double == 50 && press1["count"] as? Int == 4)
        #expect(press1["last_ts"] as? Int64 == bucket + 31_000 && press1["first_ts"] as? Int64 == bucket + 1_000)
        let id = try #require(press1["id"] as? Int)
        let history = try #require(Self.json(edge.httpPort, "/api/v1/readings?series=\(id)&from=\(now - 900_000)&to=\(now + 1)")?["points"] as? [[Double]])
        #expect(history == [[Double(bucket), 20], [Double(bucket + 30_000), 50]], "30-second averages")
        #expect(HTTPGet.fetch(port: edge.httpPort, path: "/api/v1/readings?series=abc")?.status == 400)
        #expect(HTTPGet.fetch(port: edge.httpPort, path: "/api/v1/series?after=x")?.status == 400)
        #expect((Self.json(edge.httpPort, "/api/v1/series?after=9223372036854775807")?["series"] as? [Any])?.isEmpty == true)
        let paged = try #require(Self.json(edge.httpPort, "/api/v1/series?limit=1"))
        #expect((paged["series"] as? [Any])?.count == 1 && paged["next_after"] as? Int != nil)
        #expect((Self.json(edge.httpPort, "/api/v1/readings?series=99999")?["points"] as? [Any])?.isEmpty == true)

        #expect(await eventually(timeout: .seconds(10)) {
            let alerts = Self.json(edge.httpPort, "/api/v1/alerts?status=firing&order=severity")?["alerts"] as? [[String: Any]] ?? []
            return alerts.contains { $0["rule"] as? String == "press-overheat" && $0["device"] as? String == "press-2" }
        })
        #expect(((Self.json(edge.httpPort, "/api/v1/alerts?status=all&limit=20")?["alerts"] as? [Any])?.count ?? 0) >= 1)

        let fleet = try #require(Self.json(edge.httpPort, "/api/v1/edges"))
        #expect((fleet["core"] as? [String: Any])?["state"] as? String == "off", "no forward: section")
        let me = try #require((fleet["edges"] as? [[String: Any]])?.first)
        #expect(me["edge"] as? String == "test-edge" && me["site"] as? String == "seoul" && me["health"] as? String == "ok")
        let status = try #require(me["status"] as? [String: Any])
        #expect(status["page_url"] as? String == "http://10.20.0.5:9100/" && status["mqtt_connected"] as? Bool == true)
    }

    @Test("an edge restarted with its spool (a WAN cut: nothing sent) shows the last 15 minutes at once, and a series back live carries its history on")
    func restoredFromTheSpool() async throws {
        let broker = try await MosquittoBroker()
        let edge = try EdgeProcess(brokerPort: broker.port)
        try await edge.start()
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        let bucket = (now / 30_000 - 3) * 30_000
        for (offset, value) in [(1_000, 10.0), (2_000, 30.0), (31_000, 40.0)] {
            try await AlertTest.publish(broker, device: "press-1", value: value, ts: bucket + Int64(offset))
        }
        try await AlertTest.publish(broker, device: "press-9", value: 5, ts: now - 20 * 60_000)  // older than the page shows
        #expect(await eventually(timeout: .seconds(10)) { edge.metric("haetae_readings_spooled_total") == 4 })
        #expect(await edge.stop() == 0)

        try await edge.start()
        let restored = try #require(Self.json(edge.httpPort, "/api/v1/series")?["series"] as? [[String: Any]])
        #expect(restored.count == 1, "press-9's reading is older than 15 minutes: \(restored)")
        let old = try #require(restored.first)
        let oldID = try #require(old["id"] as? Int)
        #expect(oldID >= 1 << 40 && old["device"] as? String == "press-1" && old["last_value"] as? Double == 40 && old["count"] as? Int == 3)
        let history = Self.json(edge.httpPort, "/api/v1/readings?series=\(oldID)&from=\(now - 900_000)&to=\(now + 1)")?["points"] as? [[Double]]
        #expect(history == [[Double(bucket), 20], [Double(bucket + 30_000), 40]])
        #expect(((Self.json(edge.httpPort, "/api/v1/sites")?["sites"] as? [[String: Any]])?.first?["name"] as? String) == "seoul")

        // Live again: one series, under a live id, with the restored history and the new reading.
        try await AlertTest.publish(broker, device: "press-1", value: 70, ts: bucket + 61_000)
        #expect(await eventually(timeout: .seconds(10)) {
            let series = Self.json(edge.httpPort, "/api/v1/series")?["series"] as? [[String: Any]] ?? []
            return series.count == 1 && (series[0]["id"] as? Int ?? .max) < 1 << 40 && series[0]["last_value"] as? Double == 70
        }, "\(Self.json(edge.httpPort, "/api/v1/series") ?? [:])")
        let live = try #require((Self.json(edge.httpPort, "/api/v1/series")?["series"] as? [[String: Any]])?.first)
        #expect(live["count"] as? Int == 4)
        let carried = Self.json(edge.httpPort, "/api/v1/readings?series=\(live["id"] as? Int ?? -1)&from=\(now - 900_000)&to=\(now + 1)")?["points"] as? [[Double]]
        #expect(carried == [[Double(bucket), 20], [Double(bucket + 30_000), 40], [Double(bucket + 60_000), 70]])
        #expect(await edge.stop() == 0)
    }

    @Test("over loopback the page's data needs a loopback Host like the rest of the ops API; the page itself is open")
    func loopbackReaders() async throws {
        let broker = try await MosquittoBroker()
        let edge = try EdgeProcess(brokerPort: broker.port, http: "page_networks: [\"10.20.0.0/16\"]")
        try await edge.start()
        defer { Task { await edge.stop() } }
        #expect(HTTPGet.fetch(port: edge.httpPort, path: "/api/v1/sites")?.status == 200)
        // A rebound DNS name in Host is refused.
        #expect(HTTPRequest.send(port: edge.httpPort, method: "GET", path: "/api/v1/sites", host: "evil.example:80")?.status == 403)
        #expect(HTTPRequest.send(port: edge.httpPort, method: "GET", path: "/api/v1/rules", host: "evil.example")?.status == 403)
        // However the path is written, an API route stays behind the check.
        for sneaky in ["//api/v1/rules", "/api//v1/commands", "//api/v1/sites", "/%61pi/v1/alerts"] {
            #expect(HTTPRequest.send(port: edge.httpPort, method: "GET", path: sneaky, host: "evil.example")?.status == 403, "\(sneaky)")
        }
        // The page carries no data.
        #expect(HTTPRequest.send(port: edge.httpPort, method: "GET", path: "/", host: "evil.example")?.status == 200)
    }

    @Test("http.page: false serves no page and keeps no recent readings")
    func pageOff() async throws {
        let broker = try await MosquittoBroker()
        let edge = try EdgeProcess(brokerPort: broker.port, http: "page: false")
        try await edge.start()
        defer { Task { await edge.stop() } }
        #expect(HTTPGet.fetch(port: edge.httpPort, path: "/")?.status == 404)
        #expect(HTTPGet.fetch(port: edge.httpPort, path: "/api/v1/sites")?.status == 404)
        #expect(HTTPGet.fetch(port: edge.httpPort, path: "/readyz")?.status == 200)
    }
}
