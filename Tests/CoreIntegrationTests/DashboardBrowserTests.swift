import Clocks
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
        let now = WallClock.millis()
        let series = [
            Series(site: "seoul", line: "line1", device: "press-01", sensor: "temperature", unit: "C"),
            Series(site: "seoul", line: "line1", device: "press-02", sensor: "temperature", unit: "C"),
            Series(site: "gwangju", line: "melt1", device: "furnace-01", sensor: "temperature", unit: "C"),
        ]
        let count = 600
        // gwangju-b's token may write any site (the older token form): one batch for both sites.
        let batch = Batch(
            edge: "gwangju-b", seq: 1, series: series, sid: (0..<count).map { UInt32($0 % 3) },
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

/// The page of a large plant: heavy (a debug core with 40,000 series and Chromium redrawing
/// 2,500 values every 5 s), so `Deploy/local/test` runs it alone with the long suites.
@Suite("Dashboard of a large plant in Chromium (integration, long)", .serialized, .timeLimit(.minutes(4)))
struct DashboardLargePlantTests {
    @Test("a plant of 40,000 series shows one line's devices at a time and opens another line on a click, without console errors")
    func largePlant() async throws {
        let core = try CoreProcess()
        try await core.start()
        let now = WallClock.millis()
        // 10,000 devices of four sensors over two sites of eight lines each.
        let sensors = ["temperature", "vibration", "pressure", "current"]
        let all = (0..<40_000).map { k in
            let device = k / 4
            return Series(
                site: device % 2 == 0 ? "seoul" : "gwangju", line: "line\(device / 2 % 8 + 1)", device: "dev-\(device)",
                sensor: sensors[k % 4], unit: "")
        }
        for part in 0..<8 {
            let slice = Array(all[(part * 5_000)..<((part + 1) * 5_000)])
            let batch = Batch(
                edge: "gwangju-b", seq: Int64(part + 1), series: slice, sid: (0..<5_000).map(UInt32.init),
                ts: Array(repeating: now - 1_000, count: 5_000), value: (0..<5_000).map { Double($0 % 100) / 4 },
                deviceSeq: Array(repeating: -1, count: 5_000))
            #expect(try core.post(batch)?.status == 200)
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/large_plant_check.py").path
        let check = try ChildProcess("python3", [script, "http://127.0.0.1:\(core.port)/", "seoul/line3"])
        let status = await check.waitForExit(timeout: .seconds(120))
        #expect(status == 0, "\(check.output())")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(check.standardOutput().utf8)) as? [String: Any], "\(check.output())")
        print("large plant page: first paint \(result["first_paint_seconds"] ?? "?") s, opening a line \(result["open_seconds"] ?? "?") s")
        #expect((result["console_errors"] as? [String])?.isEmpty == true, "\(result["console_errors"] ?? "")")
        // One line open (625 devices of 10,000), its values shown; the 15 other lines are buttons.
        let first = try #require(result["first_devices"] as? [String])
        let firstLine = try #require(first.first.map { $0.split(separator: "/").prefix(2).joined(separator: "/") })
        #expect(first.count == 625 && first.allSatisfy { $0.hasPrefix(firstLine + "/") }, "\(first.count) devices")
        #expect((result["values_shown"] as? Int) == 625 * 4)
        #expect((result["line_buttons"] as? [String])?.count == 15)
        let opened = try #require(result["opened_devices"] as? [String])
        #expect(opened.count == 625 && opened.allSatisfy { $0.hasPrefix("seoul/line3/") }, "\(opened.count) devices")
        #expect(await core.stop() == 0)
    }
}
