import Foundation
import Readings
import TestSupport
import Testing

/// Alarm management against a real haetae-core over HTTPS with page accounts: an operator acts,
/// a viewer cannot, forged requests are refused, the alert list shows the ISA-18.2 state, the
/// audit log keeps who did what, and an edge reads its site's suppressions with its own token.
@Suite("Alarm management (integration)", .serialized, .timeLimit(.minutes(3)))
struct AlarmManagementIntegrationTests {
    static let operatorPassword = "operator-password-0042"

    /// The core with an operator `oli` added to ana (admin) and vic (viewer).
    static func core() async throws -> PageAccountsIntegrationTests.AccountsCore {
        let core = try await PageAccountsIntegrationTests.AccountsCore()
        _ = try await PageAccountsIntegrationTests.AccountsCore.user(
            ["add", "oli", "--role", "operator", "--file", core.usersFile, "--password-stdin", "--cost", "10"], input: operatorPassword)
        #expect(await eventually(timeout: .seconds(10)) { (try? await core.login("oli", Self.operatorPassword))?.status == 303 })
        return core
    }

    /// Posts notifications and stop-command records as edge `seoul-a`.
    static func post(
        _ notices: [AlertNotice], commands: [CommandAttempt] = [], to core: PageAccountsIntegrationTests.AccountsCore
    ) async throws {
        let body = String(decoding: AlertCodec.encode(AlertPost(edge: "seoul-a", notices: notices, commands: commands)), as: UTF8.self)
        let response = try await core.curl("/api/v1/alerts", [
            "-X", "POST", "-H", "Authorization: Bearer \(CoreProcess.tokens["seoul-a"]!)", "-H", "Content-Type: application/json",
            "--data-binary", body,
        ])
        #expect(response.status == 200, "\(response.body)")
    }

    static func notice(_ id: String, _ kind: AlertKind, at: Int64, device: String = "furnace-2") -> AlertNotice {
        AlertNotice(kind: kind, atMillis: at, alert: Alert(
            id: id, rule: "furnace-overheat", severity: "critical", site: "seoul", line: "line1", device: device, sensor: "temperature",
            value: 901, startedAtMillis: at - (kind == .resolved ? 5_000 : 0), endedAtMillis: kind == .resolved ? at : nil, edge: "seoul-a"))
    }

    /// A page session's cookie and CSRF token.
    static func session(_ core: PageAccountsIntegrationTests.AccountsCore, _ user: String, _ password: String) async throws -> (cookie: String, csrf: String) {
        let cookie = try await core.session(user, password)
        let me = try await core.curl("/api/v1/session", ["-H", "Cookie: \(cookie)"])
        let csrf = try #require((try JSONSerialization.jsonObject(with: Data(me.body.utf8)) as? [String: Any])?["csrf_token"] as? String)
        return (cookie, csrf)
    }

    /// Posts an alarm action as the page does; the response.
    static func act(
        _ core: PageAccountsIntegrationTests.AccountsCore, _ session: (cookie: String, csrf: String), _ body: String,
        csrf: Bool = true, origin: String? = nil
    ) async throws -> Curl.Response {
        var arguments = ["-X", "POST", "-H", "Cookie: \(session.cookie)", "-H", "Content-Type: application/json", "-H", "Origin: \(origin ?? core.url)"]
        if csrf { arguments += ["-H", "X-CSRF-Token: \(session.csrf)"] }
        return try await core.curl("/api/v1/alarms/actions", arguments + ["--data-binary", body])
    }

    static func object(_ response: Curl.Response) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]) ?? [:]
    }

    @Test("an operator acknowledges and shelves from the page's API, once; a viewer and forged requests are refused; the list shows the ISA-18.2 state; the audit log and the edge's suppressions follow")
    func operatorActs() async throws {
        let core = try await Self.core()
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        try await Self.post([Self.notice("a1", .firing, at: now - 60_000), Self.notice("a2", .firing, at: now - 30_000, device: "furnace-3"),
                             Self.notice("a2", .resolved, at: now - 10_000, device: "furnace-3")], to: core)
        let ack = #"{"action":"acknowledge","alert_id":"a1","comment":"crew on the way"}"#

        let viewer = try await Self.session(core, "vic", core.viewerPassword)
        let refused = try await Self.act(core, viewer, ack)
        #expect(refused.status == 403 && refused.body.contains("vic is viewer; this needs operator"), "\(refused.body)")
        let oli = try await Self.session(core, "oli", Self.operatorPassword)
        #expect(try await Self.act(core, oli, ack, csrf: false).status == 403, "no CSRF token")
        #expect(try await Self.act(core, oli, ack, origin: "https://evil.example").status == 403, "another site")
        #expect(try await Self.act(core, oli, #"{"action":"acknowledge","alert_id":"nope"}"#).status == 404)
        let bad = try await Self.act(core, oli, #"{"action":"shelve","rule":"furnace-overheat","site":"seoul","for":"8h"}"#)
        #expect(bad.status == 400 && bad.body.contains("comment: say why the alarm is shelved"), "\(bad.body)")

        let done = try await Self.act(core, oli, ack)
        #expect(done.status == 200, "\(done.body)")
        #expect(Self.object(done)["by"] as? String == "oli")
        let twice = try await Self.act(core, oli, ack)
        #expect(twice.status == 409 && twice.body.contains("already acknowledged by oli"), "\(twice.body)")
        let shelve = try await Self.act(core, oli, #"""
            {"action":"shelve","rule":"furnace-overheat","site":"seoul","line":"line1","device":"furnace-3","sensor":"temperature","for":"2h","comment":"thermocouple drifts"}
            """#)
        #expect(shelve.status == 200, "\(shelve.body)")

        // The list: a1 active and acknowledged by oli; a2 returned to normal, unacknowledged, and shelved.
        let list = try await core.curl("/api/v1/alerts", ["-H", "Cookie: \(viewer.cookie)"])
        let alerts = try #require(Self.object(list)["alerts"] as? [[String: Any]], "\(list.body)")
        let alarm = Dictionary(uniqueKeysWithValues: alerts.compactMap { alert in
            (alert["alert_id"] as? String).map { ($0, alert["alarm"] as? [String: Any] ?? [:]) }
        })
        #expect(alarm["a1"]?["state"] as? String == "acknowledged")
        #expect(alarm["a1"]?["acknowledged_by"] as? String == "oli")
        #expect(alarm["a1"]?["comment"] as? String == "crew on the way")
        #expect(alarm["a1"]?["shelved_until"] is NSNull)
        #expect(alarm["a2"]?["state"] as? String == "returned")
        let shelvedUntil = try #require(AlertTestTime.millis(alarm["a2"]?["shelved_until"]))
        #expect(abs(shelvedUntil - (now + 2 * 3_600_000)) < 60_000)

        let audit = try await core.curl("/api/v1/alarms/audit", ["-H", "Cookie: \(viewer.cookie)"])
        let entries = try #require(Self.object(audit)["entries"] as? [[String: Any]], "\(audit.body)")
        #expect(entries.map { "\($0["by"] as? String ?? "")/\($0["action"] as? String ?? "")/\($0["device"] as? String ?? "")" }
            == ["oli/shelve/furnace-3", "oli/acknowledge/furnace-2"])

        // The KPIs: one alarm started in the last 10 minutes (a2's start was 30 s ago, a1's a minute ago: both), one standing.
        let kpis = try await core.curl("/api/v1/alarms/kpis", ["-H", "Cookie: \(viewer.cookie)"])
        let seoul = try #require((Self.object(kpis)["sites"] as? [[String: Any]])?.first, "\(kpis.body)")
        #expect(seoul["site"] as? String == "seoul" && seoul["last_10m"] as? Int == 2 && seoul["standing"] as? Int == 1)
        #expect(seoul["unacknowledged"] as? Int == 0, "a1, the one standing, was acknowledged")
        #expect(try await core.curl("/api/v1/alarms/kpis?window=1y", ["-H", "Cookie: \(viewer.cookie)"]).status == 400)
        let metrics = try await core.curl("/metrics")
        #expect(metrics.body.contains(#"haetae_core_alarms_standing{site="seoul"} 1"#), "\(metrics.body.split(separator: "\n").filter { $0.contains("alarms") })")

        // The edge of the site reads what it must not notify, with its own token; another site's edge may not.
        let edgeRead = try await core.curl("/api/v1/suppressions?site=seoul", ["-H", "Authorization: Bearer \(CoreProcess.tokens["seoul-a"]!)"])
        #expect(edgeRead.status == 200, "\(edgeRead.body)")
        let suppressions = try AlarmSuppressionsCodec.decode(Array(edgeRead.body.utf8))
        #expect(suppressions.shelves.map(\.point.device) == ["furnace-3"])
        #expect(suppressions.shelves.first?.by == "oli")
        let other = try await core.curl("/api/v1/suppressions?site=seoul", ["-H", "Authorization: Bearer \(CoreProcess.tokens["gwangju-a"]!)"])
        #expect(other.status == 403, "\(other.body)")
        await core.core.stop()
    }
}

/// RFC 3339 times in test answers.
enum AlertTestTime {
    static func millis(_ value: Any?) -> Int64? {
        guard let text = value as? String else { return nil }
        var copy = text
        return copy.withUTF8 { RFC3339.epochMillis(UnsafeRawBufferPointer($0)) }
    }
}

@Suite("Alarm management in Chromium (integration)", .serialized, .timeLimit(.minutes(4)))
struct AlarmBrowserTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/alarm_check.py").path

    @Test("on the page, an operator acknowledges, shelves with a reason (a reason is required) and takes a device out of service, and sees the alarm log with the edge's stop commands; a viewer sees the states without any action and is refused by the API; no console error under the CSP")
    func operatorOnThePage() async throws {
        let core = try await AlarmManagementIntegrationTests.core()
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        try await AlarmManagementIntegrationTests.post([
            AlarmManagementIntegrationTests.notice("a1", .firing, at: now - 60_000, device: "furnace-2"),
            AlarmManagementIntegrationTests.notice("a3", .firing, at: now - 50_000, device: "furnace-4"),
            AlarmManagementIntegrationTests.notice("a4", .firing, at: now - 40_000, device: "press-07"),
        ], commands: [
            CommandAttempt(
                alertID: "a1", rule: "furnace-overheat", site: "seoul", line: "line1", device: "furnace-2",
                topic: "factory/seoul/line1/furnace-2/cmd", payload: #"{"cmd":"stop"}"#, qos: 1, attempt: 1, atMillis: now - 59_990,
                result: "sent"),
        ], to: core)
        let check = try ChildProcess("python3", [
            Self.script, "\(core.url)/", "oli", AlarmManagementIntegrationTests.operatorPassword, "vic", core.viewerPassword,
        ])
        #expect(await check.waitForExit(timeout: .seconds(180)) == 0, "\(check.output())")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(check.standardOutput().utf8)) as? [String: Any], "\(check.output())")
        #expect(result["who"] as? String == "oli · operator")
        #expect(result["before"] as? [String: String] == ["a1": "unacknowledged", "a3": "unacknowledged", "a4": "unacknowledged"])
        #expect((result["a1_after_ack"] as? String)?.hasPrefix("Acknowledged · by oli") == true, "\(result["a1_after_ack"] ?? "")")
        #expect(result["a1_ack_buttons"] as? Int == 0)
        #expect(result["form_kept_open"] as? Bool == true, "the page's refresh did not close the form being filled in")
        #expect((result["a3_after_shelve"] as? String)?.contains("shelved until") == true)
        #expect((result["shelves"] as? [String])?.first?.contains("thermocouple drifts") == true, "\(result["shelves"] ?? "")")
        #expect(result["refusal"] as? String == "comment: say why the alarm is shelved")
        #expect((result["out_of_service"] as? [String])?.first?.contains("seoul / line1 / press-07") == true, "\(result["out_of_service"] ?? "")")
        let audit = result["audit"] as? [String] ?? []
        #expect(audit.count == 3 && audit[0].contains("oli took out of service") && audit[1].contains("oli shelved")
                && audit[2].contains("oli acknowledged"), "\(audit)")
        // The stop command the edge sent for a1, as the edge reported it, in its own list.
        let commands = result["commands"] as? [String] ?? []
        #expect(commands.count == 1, "\(commands)")
        #expect(commands.first?.contains(#"seoul-a stop command · furnace-overheat / seoul / line1 / furnace-2 — sent: {"cmd":"stop"} → factory/seoul/line1/furnace-2/cmd"#) == true, "\(commands)")
        #expect((result["kpis"] as? [String])?.first?.hasPrefix("seoul · last 10 min 3 · avg per 10 min") == true, "\(result["kpis"] ?? "")")
        #expect(result["forged_status"] as? Int == 403)
        #expect(result["viewer_states"] as? [String: String] == ["a1": "acknowledged", "a3": "unacknowledged", "a4": "unacknowledged"])
        #expect(result["viewer_buttons"] as? Int == 0)
        #expect(result["viewer_api_status"] as? Int == 403)
        #expect((result["console_errors"] as? [String])?.isEmpty == true, "\(result["console_errors"] ?? "")")
        await core.core.stop()
    }
}
