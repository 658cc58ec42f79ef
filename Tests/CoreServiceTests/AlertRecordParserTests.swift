@testable import CoreService
import Foundation
import Readings
import Testing

@Suite("AlertRecordParser")
struct AlertRecordParserTests {
    let base: [String: Any] = [
        "alert_id": "10a13c6618028b1d", "rule": "overheat", "severity": "critical", "status": "firing", "notification": "firing",
        "site": "seoul", "line": "line1", "device": "press-03", "sensor": "temperature", "value": 124.5,
        "started_at": "2026-11-29T23:21:04.120Z", "at": 1_796_000_000_000,
    ]

    func parse(_ changes: [String: Any], edge: String = "seoul-a") throws -> AlertPost {
        let data = try JSONSerialization.data(withJSONObject: ["edge": "seoul-a", "alerts": [base.merging(changes) { $1 }]])
        return try AlertRecordParser.parse(Array(data), edge: edge)
    }

    @Test("a well-formed alert parses; null value and no sensor are fine; the record keeps the codec's form")
    func good() throws {
        let post = try parse([:])
        let record = AlertRecordParser.record(try #require(post.notices.first), edge: "seoul-a")
        #expect(record.atMillis == 1_796_000_000_000 && record.status == "firing" && record.value == 124.5)
        #expect(record.json == String(decoding: AlertCodec.encodeLaneItem(post.notices[0]), as: UTF8.self))
        #expect(try parse(["value": NSNull(), "sensor": NSNull()]).notices.count == 1)
        #expect(try parse(["ended_at": "2026-11-29T23:22:04Z", "status": "resolved", "notification": "resolved"]).notices[0].kind == .resolved)
    }

    @Test("a post of another edge, or of none, is refused as forbidden")
    func otherEdge() throws {
        #expect(throws: APIError.self) { try parse([:], edge: "gwangju-a") }
        #expect(throws: APIError.self) { try AlertRecordParser.parse(Array(#"{"alerts":[]}"#.utf8), edge: "seoul-a") }
    }

    @Test("a field of the wrong type or out of range is refused, never stored as sent", arguments: [
        #"{"sensor":5}"#, #"{"notification":{"x":1}}"#, #"{"notification":"maybe"}"#, #"{"value":"hot"}"#, #"{"value":true}"#,
        #"{"started_at":true}"#, #"{"at":1.5}"#, #"{"at":7.5e21}"#, #"{"at":-1}"#, #"{"ended_at":"yesterday"}"#,
        #"{"at":"12026-12-02T14:00:00Z"}"#,
    ])
    func refused(change: String) throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(change.utf8)) as? [String: Any])
        #expect(throws: APIError.self, "\(change)") { try parse(object) }
    }
}
