import Foundation
import TestSupport
import Testing

/// The shipped alert rules and scrape config pass promtool, and the real `/metrics` of an edge
/// and a core pass `promtool check metrics` with a help line for every metric.
@Suite("Prometheus files and /metrics (promtool)", .serialized, .timeLimit(.minutes(3)))
struct PrometheusRulesTests {
    @Test("the alert rules load and their unit tests pass in promtool")
    func alertRulesPassPromtool() async throws {
        let check = try await PrometheusFiles.promtool(["check", "rules", PrometheusFiles.rules])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("SUCCESS: 12 rules found"))
        let tests = try await PrometheusFiles.promtool(["test", "rules", PrometheusFiles.ruleTests])
        #expect(tests.status == 0, "\(tests.output)")
        #expect(tests.output.contains("SUCCESS"))
    }

    @Test("the scrape config passes promtool check config")
    func scrapeConfigPasses() async throws {
        let check = try await PrometheusFiles.promtool(["check", "config", "--syntax-only", PrometheusFiles.scrapeConfig])
        #expect(check.status == 0, "\(check.output)")
    }

    @Test("a real edge's and core's /metrics pass promtool check metrics, every metric with its help")
    func realMetricsPassPromtoolCheckMetrics() async throws {
        let broker = try await MosquittoBroker()
        let core = try RealCore()
        try await core.start()
        let edge = try EdgeProcess(
            brokerPort: broker.port, rules: PrometheusFiles.edgeRules,
            webhooks: [.init(url: "http://127.0.0.1:\(FreePort.allocate())/hook", secret: AlertTest.secret)],
            extra: "forward: {urls: [\"\(core.url)\"], token_file: edge.token, status_interval: 200ms}")
        try (core.token + "\n").write(toFile: edge.directory.file("edge.token"), atomically: true, encoding: .utf8)
        try await edge.start()
        // Every kind of figure present: readings, a reject, an alert and its webhook attempts.
        for value in [20.0, 95.0, 20.0] { try await AlertTest.publish(broker, device: "press-1", value: value) }
        try await Publisher.publish(port: broker.port, topic: "factory/seoul/line1/press-1/temperature", payload: "hot", qos: 1)
        #expect(await eventually(timeout: .seconds(15)) { (core.metric("haetae_core_readings_stored_total") ?? 0) >= 3 })
        #expect(await eventually(timeout: .seconds(15)) { edge.metrics().contains("haetae_webhook_deliveries_total{") })

        for (program, text) in [("haetae-edge", edge.metrics()), ("haetae-core", HTTPGet.fetch(port: core.port, path: "/metrics")?.body ?? "")] {
            let check = try await PrometheusFiles.promtool(["check", "metrics"], input: text)
            #expect(check.status == 0 && check.output.isEmpty, "\(program): \(check.output)")
            let typed = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.count
            let helped = text.split(separator: "\n").filter { $0.hasPrefix("# HELP ") }.count
            #expect(typed > 20 && helped == typed, "\(program): \(typed) families, \(helped) with help")
            #expect(text.contains("haetae_build_info{program=\"\(program)\",version=\""))
            #expect(text.contains("\nprocess_resident_memory_bytes "))
            #expect(text.contains("\nprocess_open_fds "))
        }
        let edgeText = edge.metrics()
        #expect(edgeText.contains("haetae_edge_info{edge=\"test-edge\",site=\"seoul\",paired=\"false\"} 1"))
        #expect(edge.metric("haetae_spool_capacity_bytes") == Double(1 << 30))
        #expect(await edge.stop() == 0)
        #expect(await core.stop() == 0)
    }

    @Test("--version, /metrics, the page and the status report name the same build, with the checkout's git revision")
    func oneVersionEverywhere() async throws {
        let edgeBinary = try BuiltProducts.executable("haetae-edge")
        let version = try ChildProcess(edgeBinary, ["--version"])
        #expect(await version.waitForExit(timeout: .seconds(10)) == 0)
        let printed = version.standardOutput().trimmingCharacters(in: .whitespacesAndNewlines)
        let match = try #require(printed.wholeMatch(of: /(\d+\.\d+\.\d+) \(([0-9a-f]{12}|unknown)\)/))
        let (number, revision) = (String(match.1), String(match.2))

        // Built from a git checkout (as every build here is): the revision is its HEAD.
        let repository = PrometheusFiles.folder.deletingLastPathComponent().deletingLastPathComponent().path
        let git = try ChildProcess("git", ["-C", repository, "rev-parse", "--short=12", "HEAD"])
        if await git.waitForExit(timeout: .seconds(10)) == 0 {
            #expect(revision == git.standardOutput().trimmingCharacters(in: .whitespacesAndNewlines))
        }
        for binary in ["haetae-core", "haetae-sim"] {
            let other = try ChildProcess(try BuiltProducts.executable(binary), ["--version"])
            #expect(await other.waitForExit(timeout: .seconds(10)) == 0)
            #expect(other.standardOutput().trimmingCharacters(in: .whitespacesAndNewlines) == printed)
        }

        let broker = try await MosquittoBroker()
        let core = try RealCore()
        try await core.start()
        let edge = try EdgeProcess(brokerPort: broker.port, extra: "forward: {urls: [\"\(core.url)\"], token_file: edge.token, status_interval: 200ms}")
        try (core.token + "\n").write(toFile: edge.directory.file("edge.token"), atomically: true, encoding: .utf8)
        try await edge.start()
        #expect(edge.metrics().contains("haetae_build_info{program=\"haetae-edge\",version=\"\(number)\",revision=\"\(revision)\"} 1"))
        #expect(HTTPGet.fetch(port: core.port, path: "/metrics")?.body.contains("haetae_build_info{program=\"haetae-core\",version=\"\(number)\",revision=\"\(revision)\"} 1") == true)
        #expect(HTTPGet.fetch(port: core.port, path: "/")?.body.contains("<span class=\"meta\" id=\"core-version\">haetae-core \(printed)</span>") == true)
        let reported = await eventually(timeout: .seconds(15)) {
            HTTPGet.fetch(port: core.port, path: "/api/v1/edges")?.body.contains("\"version\":\"\(printed)\"") == true
        }
        #expect(reported, "the core's fleet view does not show \(printed)")
        #expect(await edge.stop() == 0)
        #expect(await core.stop() == 0)
    }
}
