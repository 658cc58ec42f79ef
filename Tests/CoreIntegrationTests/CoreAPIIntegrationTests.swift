import Foundation
import Readings
import TestSupport
import Testing

@Suite("Core API (integration)", .serialized, .timeLimit(.minutes(3)))
struct CoreAPIIntegrationTests {
    static let series = [
        Series(site: "seoul", line: "line1", device: "press-01", sensor: "temperature", unit: "C"),
        Series(site: "seoul", line: "line1", device: "press-01", sensor: "vibration", unit: "mm/s"),
    ]

    static func batch(edge: String = "seoul-a", seq: Int64, count: Int = 100, start: Int64 = 1_795_000_000_000) -> Batch {
        Batch(
            edge: edge, seq: seq, series: series, sid: (0..<count).map { UInt32($0 % 2) },
            ts: (0..<count).map { start + Int64($0 / 2) * 100 + seq * 1_000_000 }, value: (0..<count).map { Double($0) + 0.5 },
            deviceSeq: (0..<count).map { Int64($0 / 2) })
    }

    @Test("a batch is stored once: a repeat answers 200 duplicate, and the series and readings are queryable")
    func storedExactlyOnce() async throws {
        let core = try CoreProcess()
        try await core.start()
        let first = try #require(try core.post(Self.batch(seq: 1)))
        #expect(first.status == 200)
        #expect(first.body.contains(#""status":"stored""#))
        let again = try #require(try core.post(Self.batch(seq: 1)))
        #expect(again.status == 200)
        #expect(again.body.contains(#""status":"duplicate""#))
        let series = try #require(try core.json("/api/v1/series?site=seoul")["series"] as? [[String: Any]])
        #expect(series.count == 2)
        let temperature = try #require(series.first { $0["sensor"] as? String == "temperature" })
        #expect(temperature["count"] as? Int == 50)
        let id = try #require(temperature["id"] as? Int)
        let points = try #require(try core.json("/api/v1/readings?series=\(id)&from=0&to=9999999999999")["points"] as? [[Double]])
        #expect(points.count == 50)
        #expect(await core.stop() == 0)
    }

    @Test("concurrent posts of one batch store it once")
    func concurrentDuplicates() async throws {
        let core = try CoreProcess()
        try await core.start()
        let batch = Self.batch(seq: 7, count: 2_000)
        let statuses = await withTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask { (try? core.post(batch))??.body ?? "none" }
            }
            var bodies: [String] = []
            for await body in group { bodies.append(body) }
            return bodies
        }
        #expect(statuses.filter { $0.contains("stored") }.count == 1, "\(statuses)")
        #expect(statuses.filter { $0.contains("duplicate") }.count == 7)
        let series = try #require(try core.json("/api/v1/series")["series"] as? [[String: Any]])
        #expect(series.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == 2_000)
        #expect(await core.stop() == 0)
    }

    @Test("a restart keeps what was stored, and a batch posted again after it is still a duplicate")
    func restart() async throws {
        let core = try CoreProcess()
        try await core.start()
        for seq in 1...5 { #expect(try core.post(Self.batch(seq: Int64(seq)))?.status == 200) }
        await core.kill()
        try await core.start()
        #expect(try core.post(Self.batch(seq: 3))?.body.contains("duplicate") == true)
        let series = try #require(try core.json("/api/v1/series")["series"] as? [[String: Any]])
        #expect(series.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == 500)
        #expect(await core.stop() == 0)
    }

    @Test("auth: a missing or unknown token is 401, another edge's token 403, errors are JSON")
    func auth() async throws {
        let core = try CoreProcess()
        try await core.start()
        let missing = try #require(HTTPRequest.send(port: core.port, path: "/api/v1/batches", headers: [("Content-Type", "application/json")], body: BatchCodec.encode(Self.batch(seq: 1))))
        #expect(missing.status == 401)
        #expect(missing.body.contains(#""code":"unauthorized""#))
        #expect(try core.post(Self.batch(seq: 1), token: "not-a-token-of-anyone")?.status == 401)
        let other = try #require(try core.post(Self.batch(seq: 1), token: CoreProcess.tokens["gwangju-a"]))
        #expect(other.status == 403)
        #expect(other.body.contains("gwangju-a"))
        // No such route: 404, in the same JSON form.
        let unknown = try #require(core.get("/api/v1/nothing"))
        #expect(unknown.status == 404)
        #expect(unknown.body.contains(#""code":"not_found""#) && unknown.body.contains("/api/v1/nothing"), "\(unknown.body)")
        #expect(await core.stop() == 0)
    }

    @Test("bad bodies: too large 413, gzip bomb 413, bad gzip 400, unknown encoding 415, malformed batch 400 naming the field, too many readings 413, wrong idempotency key 400")
    func badBodies() async throws {
        let core = try CoreProcess(http: "max_body: 64KiB\nmax_decompressed: 1MiB\nmax_batch_readings: 1000")
        try await core.start()
        let token = CoreProcess.tokens["seoul-a"]!
        func post(_ body: [UInt8], _ headers: [(String, String)]) -> HTTPGet.Response? {
            HTTPRequest.send(port: core.port, path: "/api/v1/batches", headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")] + headers, body: body)
        }
        #expect(post([UInt8](repeating: 32, count: 200_000), [])?.status == 413)
        let bomb = try Gzip.compress([UInt8](repeating: 0, count: 20_000_000))
        #expect(bomb.count < 64 * 1_024)
        let bombed = try #require(post(bomb, [("Content-Encoding", "gzip")]))
        #expect(bombed.status == 413)
        #expect(bombed.body.contains("decompresses"))
        #expect(post([1, 2, 3, 4], [("Content-Encoding", "gzip")])?.status == 400)
        #expect(post(BatchCodec.encode(Self.batch(seq: 1)), [("Content-Encoding", "br")])?.status == 415)
        let malformed = try #require(post(Array(#"{"edge":"seoul-a","seq":1,"series":[],"sid":[],"value":[]}"#.utf8), []))
        #expect(malformed.status == 400)
        #expect(malformed.body.contains("ts"))
        let tooMany = try #require(try core.post(Self.batch(seq: 2, count: 1_200)))
        #expect(tooMany.status == 413)
        #expect(tooMany.body.contains("more than 1000 entries"), "\(tooMany.body)")
        #expect(try core.post(Self.batch(seq: 3), headers: [("Idempotency-Key", "seoul-a:99")])?.status == 400)
        // Nothing of the above was stored, and each refusal was counted.
        #expect((try core.json("/api/v1/series")["series"] as? [[String: Any]])?.isEmpty == true)
        let alertBody = Array(#"{"edge":"seoul-a","alerts":"none"}"#.utf8)
        #expect(HTTPRequest.send(port: core.port, path: "/api/v1/alerts", headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")], body: alertBody)?.status == 400)
        let metrics = core.get("/metrics")?.body ?? ""
        #expect(HTTPGet.metric("haetae_core_batches_total", labels: #"result="rejected""#, in: metrics) == 7, "\(metrics)")
        #expect(HTTPGet.metric("haetae_core_alert_posts_rejected_total", in: metrics) == 1)
        #expect(await core.stop() == 0)
    }

    @Test("downsampled readings: avg, min, max and last per step bucket")
    func downsampling() async throws {
        let core = try CoreProcess()
        try await core.start()
        // 100 readings of one series, 1 s apart, values 0…99.
        let batch = Batch(
            edge: "seoul-a", seq: 1, series: [Self.series[0]], sid: Array(repeating: 0, count: 100),
            ts: (0..<100).map { 1_795_000_000_000 + Int64($0) * 1_000 }, value: (0..<100).map(Double.init), deviceSeq: Array(repeating: -1, count: 100))
        #expect(try core.post(batch)?.status == 200)
        let id = try #require((try core.json("/api/v1/series")["series"] as? [[String: Any]])?.first?["id"] as? Int)
        let from: Int64 = 1_795_000_000_000
        for (agg, expected) in [("avg", [4.5, 14.5]), ("min", [0, 10]), ("max", [9, 19]), ("last", [9, 19])] {
            let points = try #require(try core.json("/api/v1/readings?series=\(id)&from=\(from)&to=\(from + 20_000)&step=10s&agg=\(agg)")["points"] as? [[Double]])
            #expect(points.map { $0[1] } == expected, "\(agg)")
            #expect(points.map { Int64($0[0]) } == [from, from + 10_000])
        }
        #expect(try #require(core.get("/api/v1/readings?series=\(id)&agg=median")).status == 400)
        #expect(await core.stop() == 0)
    }

    @Test("delivery lists each stored reading's device seq and store time; bad queries are 400 naming the parameter")
    func delivery() async throws {
        let core = try CoreProcess()
        try await core.start()
        let before = Int64(Date().timeIntervalSince1970 * 1_000)
        #expect(try core.post(Self.batch(seq: 1, count: 10))?.status == 200)
        let series = try #require(try core.json("/api/v1/series?sensor=temperature")["series"] as? [[String: Any]])
        let id = try #require(series.first?["id"] as? Int)
        let delivery = try core.json("/api/v1/delivery?series=\(id)&from=0&to=9999999999999&stored_since=\(before - 1_000)")
        #expect(delivery["count"] as? Int == 5)
        #expect(delivery["seq"] as? [Int] == [0, 1, 2, 3, 4])
        let storedAt = try #require(delivery["stored_at"] as? [Int])
        #expect(storedAt.count == 5 && storedAt.allSatisfy { Int64($0) >= before - 1_000 })
        let later = try core.json("/api/v1/delivery?series=\(id)&from=0&to=9999999999999&stored_since=\(Int64(Date().timeIntervalSince1970 * 1_000) + 60_000)")
        #expect(later["count"] as? Int == 0)
        for (query, names) in [("series=\(id)&to=5", "from"), ("series=\(id)&from=0", "to"), ("from=0&to=5", "series"), ("series=\(id)&from=0&to=5&stored_since=soon", "stored_since")] {
            let response = try #require(core.get("/api/v1/delivery?\(query)"))
            #expect(response.status == 400, "\(query)")
            #expect(response.body.contains(names), "\(query): \(response.body)")
        }
        // Times and steps at Int64's ends: clamped or refused, never an overflow (the core keeps
        // answering, and the readings are all still there).
        let far = "from=-9223372036854775808&to=9223372036854775807"
        #expect(try core.json("/api/v1/delivery?series=\(id)&\(far)")["count"] as? Int == 5)
        #expect(core.get("/api/v1/readings?series=\(id)&\(far)")?.status == 200)
        #expect(core.get("/api/v1/readings?series=\(id)&\(far)&step=99999999999999d")?.status == 400)
        #expect(core.get("/api/v1/readings?series=\(id)&\(far)&step=1ms")?.status == 400)
        #expect(core.get("/api/v1/readings?series=\(id)&from=-9223372036854775808&to=0&step=36500d")?.status == 200, "the longest step, 100 years")
        #expect(core.get("/readyz")?.status == 200)
        #expect(await core.stop() == 0)
    }

    @Test("with a read token, reads without it are 401; without one, loopback reads are allowed")
    func readAuth() async throws {
        let withToken = try CoreProcess(auth: "read_token_file: read.token")
        try "read-token-0123456789abcdef\n".write(toFile: withToken.directory.file("read.token"), atomically: true, encoding: .utf8)
        try await withToken.start()
        #expect(withToken.get("/api/v1/series")?.status == 401)
        let authorized = HTTPRequest.send(port: withToken.port, method: "GET", path: "/api/v1/series", headers: [("Authorization", "Bearer read-token-0123456789abcdef")])
        #expect(authorized?.status == 200)
        #expect(await withToken.stop() == 0)
    }

    @Test("alerts posted by an edge are stored once and listed with filters")
    func alerts() async throws {
        let core = try CoreProcess()
        try await core.start()
        let alert: [String: Any] = [
            "alert_id": "10a13c6618028b1d", "rule": "overheat", "severity": "critical", "status": "firing", "notification": "firing",
            "site": "seoul", "line": "line1", "device": "press-03", "sensor": "temperature", "value": 124.5,
            "started_at": "2026-11-29T23:21:04.120Z", "labels": [String: String](), "annotations": ["summary": "hot"], "edge": "seoul-a",
            "at": "2026-11-29T23:21:04.120Z",
        ]
        let body = try JSONSerialization.data(withJSONObject: ["edge": "seoul-a", "alerts": [alert]])
        let headers = [("Authorization", "Bearer \(CoreProcess.tokens["seoul-a"]!)"), ("Content-Type", "application/json")]
        #expect(HTTPRequest.send(port: core.port, path: "/api/v1/alerts", headers: headers, body: Array(body))?.status == 200)
        #expect(HTTPRequest.send(port: core.port, path: "/api/v1/alerts", headers: headers, body: Array(body))?.status == 200)
        let listed = try #require(try core.json("/api/v1/alerts?status=firing&site=seoul")["alerts"] as? [[String: Any]])
        #expect(listed.count == 1)
        #expect(listed.first?["rule"] as? String == "overheat")
        #expect((try core.json("/api/v1/alerts?site=gwangju")["alerts"] as? [Any])?.isEmpty == true)
        // The edge's own alerts have no line, a flood alert no line and no device: stored too
        // (refused, they would hold every later alert of the lane behind them).
        var system = alert, flood = alert
        system.merge(["alert_id": "20a13c6618028b1d", "rule": "edge:spool-storage", "line": "", "device": "seoul-a", "sensor": ""]) { $1 }
        flood.merge(["alert_id": "30a13c6618028b1d", "rule": "overheat", "line": "", "device": "", "sensor": ""]) { $1 }
        let more = try JSONSerialization.data(withJSONObject: ["edge": "seoul-a", "alerts": [system, flood]])
        #expect(HTTPRequest.send(port: core.port, path: "/api/v1/alerts", headers: headers, body: Array(more))?.status == 200)
        #expect((try core.json("/api/v1/alerts?status=firing&site=seoul")["alerts"] as? [Any])?.count == 3)
        let bad = try JSONSerialization.data(withJSONObject: ["edge": "seoul-a", "alerts": [["rule": "x"]]])
        let rejected = try #require(HTTPRequest.send(port: core.port, path: "/api/v1/alerts", headers: headers, body: Array(bad)))
        #expect(rejected.status == 400)
        #expect(rejected.body.contains("alerts[0]"))
        #expect(await core.stop() == 0)
    }

    @Test("an edge token writes only its sites: a batch or alert of another site is 403 and stores nothing; the older token form may write any site; a key past max_series_per_edge is 409 series_quota")
    func tokenSitesAndSeriesQuota() async throws {
        let core = try CoreProcess(http: "max_series_per_edge: 1000")
        try await core.start()
        let gwangju = Series(site: "gwangju", line: "line1", device: "gas-01", sensor: "ppm", unit: "ppm")
        let foreign = Batch(edge: "seoul-a", seq: 1, series: [Self.series[0], gwangju], sid: [0, 1], ts: [1_795_000_000_000, 1_795_000_000_000], value: [1, 2], deviceSeq: [-1, -1])
        let refused = try #require(try core.post(foreign))
        #expect(refused.status == 403 && refused.body.contains("may not write site gwangju"), "\(refused.body)")
        // A dictionary batch defining a key of another site is refused the same way.
        let defined = Batch(edge: "seoul-a", seq: 2, spool: 7, dictionary: 7, definitions: [SeriesDefinition(key: 1, series: gwangju)], sid: [1], ts: [1_795_000_000_000], value: [1], deviceSeq: [-1])
        #expect(try core.post(defined)?.status == 403)
        // gwangju-b has the older any-site token.
        let legacy = Batch(edge: "gwangju-b", seq: 1, series: [Self.series[0], gwangju], sid: [0, 1], ts: [1_795_000_000_000, 1_795_000_000_000], value: [1, 2], deviceSeq: [-1, -1])
        #expect(try core.post(legacy, token: CoreProcess.tokens["gwangju-b"])?.status == 200)
        #expect(core.output().contains("edge tokens without a site list") && core.output().contains("gwangju-b"))

        // Alerts: another site is 403.
        let alert: [String: Any] = [
            "alert_id": "10a13c6618028b1e", "rule": "gas", "severity": "critical", "status": "firing", "notification": "firing",
            "site": "gwangju", "line": "line1", "device": "gas-01", "sensor": "ppm", "value": 12.5,
            "started_at": "2026-11-29T23:21:04.120Z", "labels": [String: String](), "annotations": [String: String](), "edge": "seoul-a",
            "at": "2026-11-29T23:21:04.120Z",
        ]
        let body = try JSONSerialization.data(withJSONObject: ["edge": "seoul-a", "alerts": [alert]])
        let headers = [("Authorization", "Bearer \(CoreProcess.tokens["seoul-a"]!)"), ("Content-Type", "application/json")]
        #expect(HTTPRequest.send(port: core.port, path: "/api/v1/alerts", headers: headers, body: Array(body))?.status == 403)

        // Series quota: keys below 1,000 are fine, key 1,000 is not.
        let inQuota = Batch(edge: "seoul-a", seq: 3, spool: 7, dictionary: 7, definitions: [SeriesDefinition(key: 999, series: Self.series[0])], sid: [999], ts: [1_795_000_000_000], value: [1], deviceSeq: [-1])
        #expect(try core.post(inQuota)?.status == 200)
        let overQuota = Batch(edge: "seoul-a", seq: 4, spool: 7, dictionary: 7, definitions: [SeriesDefinition(key: 1_000, series: Self.series[1])], sid: [1_000], ts: [1_795_000_000_000], value: [1], deviceSeq: [-1])
        let quota = try #require(try core.post(overQuota))
        #expect(quota.status == 409 && quota.body.contains(#""code":"series_quota""#), "\(quota.body)")
        let stored = try core.json("/api/v1/series")["series"] as? [[String: Any]] ?? []
        #expect(stored.count == 2, "only the legacy edge's two series and the in-quota one (the same as one of them)")
        #expect(await core.stop() == 0)
    }

    @Test("without a read token, loopback reads need a loopback Host: a rebound name is 403")
    func dnsRebinding() async throws {
        let core = try CoreProcess()
        try await core.start()
        for host in ["127.0.0.1", "localhost:\(core.port)", "127.0.0.1:\(core.port)", "[::1]:\(core.port)", "LOCALHOST"] {
            #expect(HTTPRequest.send(port: core.port, method: "GET", path: "/api/v1/sites", host: host)?.status == 200, "\(host)")
        }
        for host in ["evil.example", "evil.example:\(core.port)", "127.0.0.1.evil.example", "localhost.evil:80", "[::2]:1", "127.0.0.1:x"] {
            let answer = HTTPRequest.send(port: core.port, method: "GET", path: "/api/v1/sites", host: host)
            #expect(answer?.status == 403 && answer?.body.contains("loopback Host") == true, "\(host): \(answer?.body ?? "")")
        }
        // Probes and metrics do not read plant data and stay open.
        #expect(HTTPRequest.send(port: core.port, method: "GET", path: "/healthz", host: "evil.example")?.status == 200)
        #expect(await core.stop() == 0)
    }
}
