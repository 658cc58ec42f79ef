import Foundation
import TestSupport
import Testing

/// The edge reports its status to a real core; the core's `GET /api/v1/edges` shows it with the
/// edge's own `/metrics` figures, marks it stale then down when it dies, raises `core:edge-down`,
/// and resolves it when the edge is back.
@Suite("Fleet status at the core (integration)", .serialized, .timeLimit(.minutes(3)))
struct FleetStatusIntegrationTests {
    /// The core's JSON answer to a GET of `path`, nil when there is none.
    static func json(_ core: RealCore, _ path: String) -> [String: Any]? {
        HTTPGet.fetch(port: core.port, path: path).flatMap { try? JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any] }
    }

    static func edges(_ core: RealCore) -> [[String: Any]] { json(core, "/api/v1/edges")?["edges"] as? [[String: Any]] ?? [] }

    static func edge(_ core: RealCore, _ name: String) -> [String: Any]? { edges(core).first { $0["edge"] as? String == name } }

    static func coreAlerts(_ core: RealCore, status: String) -> [[String: Any]] {
        (json(core, "/api/v1/alerts?status=\(status)")?["alerts"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "core:edge-down" }
    }

    @Test("an edge's status reaches the core with its /metrics figures; killed it turns stale, then down with a core:edge-down alarm; back, the alarm resolves")
    func edgeStatusAndDeath() async throws {
        let broker = try await MosquittoBroker()
        let core = try RealCore(also: ["gwangju-a"])
        try await core.start()
        let edge = try EdgeProcess(
            brokerPort: broker.port, rules: "rules: []\n",
            extra: "forward: {urls: [\"\(core.url)\"], token_file: edge.token, timeout: 2s, backoff: {initial: 50ms, max: 500ms}, status_interval: 200ms}")
        try (core.token + "\n").write(toFile: edge.directory.file("edge.token"), atomically: true, encoding: .utf8)
        try await edge.start()
        for value in 1...50 { try await AlertTest.publish(broker, device: "press-\(value % 5)", value: Double(value)) }
        try await Publisher.publish(port: broker.port, topic: "factory/seoul/line1/press-1/temperature", payload: "hot", qos: 1)

        // Reported, judged ok, and its figures are the edge's own once it is quiet.
        #expect(await eventually(timeout: .seconds(15)) {
            guard let entry = Self.edge(core, core.edgeID), let status = entry["status"] as? [String: Any] else { return false }
            return entry["health"] as? String == "ok" && (status["rejects"] as? [String: Any])?["bad_json"] as? Int == 1
                && status["backlog_readings"] as? Int == 0 && (status["spool_bytes"] as? Int).map(Double.init) == edge.metric("haetae_spool_bytes")
        }, "\(Self.edges(core)) \(edge.metric("haetae_spool_bytes") ?? -1)")
        let entry = try #require(Self.edge(core, core.edgeID))
        let status = try #require(entry["status"] as? [String: Any])
        #expect(entry["site"] as? String == "seoul" && status["role"] as? String == "lone" && status["mqtt_connected"] as? Bool == true)
        #expect((status["rules_version"] as? String)?.count == 16 && status["interval_ms"] as? Int == 200)
        #expect((entry["trend"] as? [String: Any]).flatMap { ($0["at"] as? [Any])?.count } ?? 0 >= 2)
        #expect(Self.edge(core, "gwangju-a")?["health"] as? String == "never", "a token that never reported")
        #expect(await eventually { core.metric("haetae_core_edges", labels: #"health="ok""#) == 1 })

        // Killed: stale after 2 s, down after 5 s (the floors for a 200 ms interval), then the alarm.
        await edge.kill()
        let died = ContinuousClock.now
        #expect(await eventually(timeout: .seconds(10)) { Self.edge(core, core.edgeID)?["health"] as? String == "stale" })
        #expect(await eventually(timeout: .seconds(15)) { Self.edge(core, core.edgeID)?["health"] as? String == "down" })
        let toDown = ContinuousClock.now - died
        #expect(await eventually(timeout: .seconds(10)) { Self.coreAlerts(core, status: "firing").count == 1 }, "\(core.output().suffix(2_000))")
        print("edge death → down at the core: \(toDown.components.seconds) s \(toDown.components.attoseconds / 1_000_000_000_000_000) ms (report every 200 ms; down after max(6 reports, 5 s))")
        let alarm = try #require(Self.coreAlerts(core, status: "firing").first)
        #expect(alarm["device"] as? String == core.edgeID && alarm["site"] as? String == "seoul" && alarm["severity"] as? String == "critical")

        // Back: ok again, and the alarm resolves.
        try await edge.start()
        #expect(await eventually(timeout: .seconds(15)) { Self.edge(core, core.edgeID)?["health"] as? String == "ok" })
        #expect(await eventually(timeout: .seconds(10)) { Self.coreAlerts(core, status: "resolved").count == 1 && Self.coreAlerts(core, status: "firing").isEmpty })

        // A core restart keeps what it knew of the edge (from the store), and does not raise the alarm again.
        #expect(await edge.stop() == 0)
        #expect(await core.stop() == 0)
        try await core.start()
        #expect(await eventually { Self.edge(core, core.edgeID)?["status"] != nil }, "known after the restart")
        #expect(Self.coreAlerts(core, status: "firing").isEmpty, "not judged down the moment the core is back")
        #expect(await core.stop() == 0)
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../CoreIntegrationTests/Browser/fleet_check.py").standardizedFileURL.path

    @Test("on the page's System panel an edge shows its figures, matching its /metrics; killed it turns stale, then red (time printed)")
    func fleetViewInChromium() async throws {
        let broker = try await MosquittoBroker()
        let core = try RealCore(also: ["gwangju-a"])
        try await core.start()
        let edge = try EdgeProcess(
            brokerPort: broker.port, rules: "rules: []\n",
            extra: "forward: {urls: [\"\(core.url)\"], token_file: edge.token, timeout: 2s, backoff: {initial: 50ms, max: 500ms}, status_interval: 200ms}")
        try (core.token + "\n").write(toFile: edge.directory.file("edge.token"), atomically: true, encoding: .utf8)
        try await edge.start()
        for value in 1...20 { try await AlertTest.publish(broker, device: "press-\(value % 4)", value: Double(value)) }
        #expect(await eventually(timeout: .seconds(15)) { Self.edge(core, core.edgeID)?["health"] as? String == "ok" })
        let ready = edge.directory.file("page-ready")
        let check = try ChildProcess("python3", [Self.script, "\(core.url)/", core.edgeID, ready])
        #expect(await eventually(timeout: .seconds(90)) { FileManager.default.fileExists(atPath: ready) }, "\(check.output())")
        let spoolBytesAtOk = edge.metric("haetae_spool_bytes")
        await edge.kill()
        let killedAt = Date().timeIntervalSince1970
        #expect(await check.waitForExit(timeout: .seconds(120)) == 0, "\(check.output())")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(check.standardOutput().utf8)) as? [String: Any], "\(check.output())")
        let ok = try #require(result["ok_card"] as? [String: Any])
        let text = ok["text"] as? String ?? ""
        // The card's figures are the edge's own: nothing waits, the spool as /metrics says.
        #expect(text.contains("\(core.edgeID) · ok") && text.contains("backlog 0") && text.contains("lone · 0.1.0"), "\(text)")
        let spoolBytes = try #require(spoolBytesAtOk)
        let capacity = try #require((Self.edge(core, core.edgeID)?["status"] as? [String: Any])?["spool_capacity_bytes"] as? Int)
        let percent = Int((spoolBytes / Double(capacity) * 100).rounded())
        #expect(text.contains("spool \(percent)%"), "\(text) vs \(spoolBytes) bytes of \(capacity)")
        #expect(ok["spark"] as? Int == 1)
        #expect((result["seen"] as? [String])?.suffix(2) == ["stale", "down"], "\(result["seen"] ?? "")")
        let downAt = try #require((result["times"] as? [String: Double])?["down"])
        print("edge death → red on the page: \(Int((downAt - killedAt) * 1_000)) ms (reports every 200 ms: down after 5 s; the page redraws every 5 s)")
        #expect((result["other_cards"] as? [[String]])?.contains(["gwangju-a", "never"]) == true)
        #expect((result["console_errors"] as? [String])?.isEmpty == true, "\(result["console_errors"] ?? "")")
        #expect(await core.stop() == 0)
    }
}
