@testable import Edge
import Foundation
import Readings
import Testing

@Suite("Alerts payload for the core")
struct AlertsPayloadTests {
    @Test("each stored notification becomes its data object plus at, in the one alert form; unreadable rows are set apart")
    func encodes() throws {
        let alert = Alert(
            id: "a1", rule: "overheat", severity: "critical", site: "seoul", line: "line1", device: "press-03", sensor: "temperature",
            value: 124.68, startedAtMillis: 1_764_458_464_120, edge: "seoul-a")
        let firing = AlertNotice(kind: .firing, atMillis: 1_764_458_464_120, alert: alert)
        var resolved = firing
        resolved.kind = .resolved
        resolved.atMillis = 1_764_458_520_000
        resolved.alert.endedAtMillis = resolved.atMillis
        let payload = AlertsPayload.encode(edge: "seoul-a", bodies: [
            (1, AlertCodec.encode(firing)), (2, Array("garbage".utf8)), (3, Array(#"{"type":"alert.firing","data":{"alert_id":"a1"}}"#.utf8)),
            (4, AlertCodec.encode(resolved)),
        ])
        #expect(payload.included == [1, 4])
        #expect(payload.unreadable == [2, 3])
        #expect(try AlertCodec.decodePost(payload.json) == AlertPost(edge: "seoul-a", notices: [firing, resolved]))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(payload.json)) as? [String: Any])
        let alerts = try #require(object["alerts"] as? [[String: Any]])
        #expect(alerts[0]["at"] as? String == "2025-11-29T23:21:04.120Z")
        #expect(alerts[1]["notification"] as? String == "resolved")
    }

    @Test("command records ride in the same post after the notifications, and the post counts both")
    func carriesCommands() throws {
        let command = CommandLogTests.command(1)
        let payload = AlertsPayload.encode(
            edge: "seoul-a", bodies: [(7, Array("garbage".utf8))], commands: [AlertForwardLog.CommandRow(id: 3, command: command)])
        #expect(payload.included.isEmpty && payload.unreadable == [7] && payload.commands == [3] && payload.count == 1)
        #expect(try AlertCodec.decodePost(payload.json) == AlertPost(edge: "seoul-a", notices: [], commands: [command]))
    }
}
