import Foundation
import TestSupport
import Testing

/// The site page during a WAN cut, in a real headless Chromium: the edge's own page keeps showing
/// live values and the alert raised during the cut, with a banner saying the core does not take
/// its data, while the core's page marks the site unreachable and links to the edge's page.
@Suite("Site page during a WAN cut (Chromium)", .serialized, .timeLimit(.minutes(4)))
struct SitePageBrowserTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../CoreIntegrationTests/Browser/site_page_check.py").standardizedFileURL.path

    @Test("during a WAN cut the edge's page shows live values and the new alert; the core's page marks the site unreachable and links to it")
    func wanCut() async throws {
        let broker = try await MosquittoBroker()
        let core = try RealCore()
        try await core.start()
        let wan = try await WANProxyProcess(targetPort: core.port)
        let edge = try EdgeProcess(
            brokerPort: broker.port, rules: SitePageIntegrationTests.rules,
            extra: "forward: {urls: [\"\(wan.url)\"], token_file: edge.token, timeout: 1s, backoff: {initial: 50ms, max: 500ms}, status_interval: 200ms}",
            http: "page_url: \"http://127.0.0.1:PAGE_PORT/\"")
        // The page address names the edge's own port (known once the process is configured).
        let config = try String(contentsOfFile: edge.configPath, encoding: .utf8)
            .replacingOccurrences(of: ":PAGE_PORT/", with: ":\(edge.httpPort)/")
        try config.write(toFile: edge.configPath, atomically: true, encoding: .utf8)
        try (core.token + "\n").write(toFile: edge.directory.file("edge.token"), atomically: true, encoding: .utf8)
        try await edge.start()
        for value in 1...10 { try await AlertTest.publish(broker, device: "press-\(value % 3)", value: Double(value)) }
        #expect(await eventually(timeout: .seconds(15)) {
            FleetStatusIntegrationTests.edge(core, core.edgeID)?["health"] as? String == "ok"
                && (FleetStatusIntegrationTests.json(core, "/api/v1/series")?["series"] as? [Any])?.count == 3
        }, "\(FleetStatusIntegrationTests.edges(core))")

        // The WAN is cut; the factory goes on: press-1 overheats.
        try await wan.cut()
        try await AlertTest.publish(broker, device: "press-1", value: 123.5)
        // The core stops hearing the edge (down after 5 s with 200 ms reports).
        #expect(await eventually(timeout: .seconds(20)) {
            FleetStatusIntegrationTests.edge(core, core.edgeID)?["health"] as? String == "down"
        })
        let check = try ChildProcess(
            "python3", [Self.script, "http://127.0.0.1:\(edge.httpPort)/", "\(core.url)/", "seoul", "seoul/line1/press-1", "123.50", "press-overheat"])
        #expect(await check.waitForExit(timeout: .seconds(150)) == 0, "\(check.output())")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(check.standardOutput().utf8)) as? [String: Any], "\(check.output())")

        #expect(result["scope"] as? String == "site")
        let banner = try #require(result["banner"] as? String, "\(result)")
        #expect(banner.contains("test-edge") && banner.contains("the core has not taken its data since"), "\(banner)")
        let device = try #require(result["device"] as? [String: Any], "\(result)")
        #expect((device["cls"] as? String)?.contains("critical") == true, "the device is red: \(device)")
        #expect((result["alert"] as? String)?.contains("press-1") == true, "\(result)")
        #expect((result["chart_points"] as? Int ?? 0) >= 1, "\(result)")
        #expect(result["panels"] as? [String] == ["suppressions"], "only the site's panels: \(result["panels"] ?? "")")
        #expect((result["system"] as? [[String]])?.first?.first == "test-edge")
        #expect((result["edge_console_errors"] as? [String])?.isEmpty == true, "\(result["edge_console_errors"] ?? "")")

        let site = try #require(result["core_site"] as? [String: Any], "\(result)")
        #expect((site["mark"] as? String)?.contains("unreachable") == true)
        #expect(result["core_links"] as? [String] == ["http://127.0.0.1:\(edge.httpPort)/"], "\(result["core_links"] ?? "")")
        #expect((result["core_console_errors"] as? [String])?.isEmpty == true, "\(result["core_console_errors"] ?? "")")

        // The WAN back: the edge's data reaches the core again.
        try await wan.restore()
        #expect(await eventually(timeout: .seconds(20)) {
            FleetStatusIntegrationTests.edge(core, core.edgeID)?["health"] as? String == "ok"
        })
        #expect(await edge.stop() == 0)
        #expect(await core.stop() == 0)
        await wan.stop()
    }
}
