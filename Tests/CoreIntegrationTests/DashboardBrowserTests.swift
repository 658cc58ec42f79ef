import Foundation
import Readings
import TestSupport
import Testing

/// The dashboard in a real headless Chromium (Debian `chromium` + `chromium-driver`, selenium),
/// against a real haetae-core holding real data.
@Suite("Dashboard in Chromium (integration)", .serialized, .timeLimit(.minutes(3)))
struct DashboardBrowserTests {
    @Test("the page loads without console errors, shows the sites and devices, charts points, shows a firing alert once when both replicas raised it, and the language toggle works and is remembered")
    func dashboard() async throws {
        let core = try CoreProcess()
        try await core.start()
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        let series = [
            Series(site: "seoul", line: "line1", device: "press-01", sensor: "temperature", unit: "C"),
            Series(site: "seoul", line: "line1", device: "press-02", sensor: "temperature", unit: "C"),
            Series(site: "gwangju", line: "melt1", device: "furnace-01", sensor: "temperature", unit: "C"),
        ]
        let count = 600
        let batch = Batch(
            edge: "seoul-a", seq: 1, series: series, sid: (0..<count).map { UInt32($0 % 3) },
            ts: (0..<count).map { now - Int64(count - $0) * 1_000 }, value: (0..<count).map { 60 + Double($0 % 17) },
            deviceSeq: Array(repeating: -1, count: count))
        #expect(try core.post(batch)?.status == 200)
        // One hazard seen by both edge replicas of the site: each raises its own alert.
        for (edge, id, delay) in [("gwangju-a", "a1", 0.0), ("gwangju-b", "b7", 1.2)] {
            let alert: [String: Any] = [
                "alert_id": id, "rule": "furnace-overheat", "severity": "critical", "status": "firing", "notification": "firing",
                "site": "gwangju", "line": "melt1", "device": "furnace-01", "sensor": "temperature", "value": 905.5,
                "started_at": ISO8601DateFormatter().string(from: Date().addingTimeInterval(delay)), "labels": [String: String](),
                "annotations": ["summary": "furnace-01 at gwangju/melt1 is 905.5°C"], "edge": edge,
            ]
            let body = try JSONSerialization.data(withJSONObject: ["edge": edge, "alerts": [alert]])
            #expect(HTTPRequest.send(
                port: core.port, path: "/api/v1/alerts",
                headers: [("Authorization", "Bearer \(CoreProcess.tokens[edge]!)"), ("Content-Type", "application/json")],
                body: Array(body))?.status == 200)
        }

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/dashboard_check.py").path
        let check = try ChildProcess("python3", [script, "http://127.0.0.1:\(core.port)/", "seoul/line1/press-01", "furnace-overheat"])
        let status = await check.waitForExit(timeout: .seconds(90))
        #expect(status == 0, "\(check.output())")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(check.standardOutput().utf8)) as? [String: Any], "\(check.output())")
        #expect((result["console_errors"] as? [String])?.isEmpty == true, "\(result["console_errors"] ?? "")")
        #expect(Set(result["sites"] as? [String] ?? []) == ["seoul", "gwangju"])
        #expect(Set(result["devices"] as? [String] ?? []) == ["seoul/line1/press-01", "seoul/line1/press-02", "gwangju/melt1/furnace-01"])
        #expect((result["chart_points"] as? Int ?? 0) > 10)
        #expect((result["chart_paths"] as? Int ?? 0) >= 1)
        let activeAlerts = result["active_alert_texts"] as? [String] ?? []
        #expect(activeAlerts.count == 1, "the two replicas' alerts for one hazard show as one: \(activeAlerts)")
        #expect(activeAlerts.first?.contains("gwangju-a, gwangju-b") == true, "\(activeAlerts)")
        #expect(result["lang_before"] as? String == "ko")
        #expect(result["heading_before"] as? String == "현재 경보")
        #expect(result["lang_after"] as? String == "en")
        #expect(result["heading_after"] as? String == "Active alerts")
        #expect(result["lang_after_reload"] as? String == "en")
        #expect((result["tablet_scroll_width"] as? Int ?? .max) <= (result["tablet_client_width"] as? Int ?? 0))
        #expect(await core.stop() == 0)
    }
}
