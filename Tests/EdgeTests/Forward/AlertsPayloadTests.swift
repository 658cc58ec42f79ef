@testable import Edge
import Foundation
import Testing

@Suite("Alerts payload for the core")
struct AlertsPayloadTests {
    @Test("each notification becomes its data object plus notification and at; unreadable rows are set apart")
    func encodes() throws {
        let firing = #"{"type":"alert.firing","timestamp":"2026-11-29T23:21:04.120Z","data":{"alert_id":"a1","rule":"overheat","notification":"firing","value":124.68}}"#
        let resolved = #"{"type":"alert.resolved","timestamp":"2026-11-29T23:22:00.000Z","data":{"alert_id":"a1","rule":"overheat","ended_at":"2026-11-29T23:22:00.000Z"}}"#
        let payload = AlertsPayload.encode(edge: "seoul-a", bodies: [(1, Array(firing.utf8)), (2, Array("garbage".utf8)), (3, Array(resolved.utf8))])
        #expect(payload.included == [1, 3])
        #expect(payload.unreadable == [2])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(payload.json)) as? [String: Any])
        #expect(object["edge"] as? String == "seoul-a")
        let alerts = try #require(object["alerts"] as? [[String: Any]])
        #expect(alerts.count == 2)
        #expect(alerts[0]["notification"] as? String == "firing")
        #expect(alerts[0]["at"] as? String == "2026-11-29T23:21:04.120Z")
        #expect(alerts[0]["value"] as? Double == 124.68)
        #expect(alerts[1]["notification"] as? String == "resolved", "derived from the type when absent")
        #expect(alerts[1]["at"] as? String == "2026-11-29T23:22:00.000Z")
    }
}
