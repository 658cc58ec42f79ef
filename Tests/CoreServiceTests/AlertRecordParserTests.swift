@testable import CoreService
import Foundation
import Testing

@Suite("AlertRecordParser")
struct AlertRecordParserTests {
    let base: [String: Any] = [
        "alert_id": "10a13c6618028b1d", "rule": "overheat", "severity": "critical", "status": "firing", "notification": "firing",
        "site": "seoul", "line": "line1", "device": "press-03", "sensor": "temperature", "value": 124.5,
        "started_at": "2026-11-29T23:21:04.120Z", "at": 1_796_000_000_000,
    ]

    func parse(_ changes: [String: Any]) throws -> Bool {
        // Through JSON, as the route reads it: `true` arrives as the number JSONSerialization makes of it.
        let data = try JSONSerialization.data(withJSONObject: base.merging(changes) { $1 })
        let item = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        do {
            _ = try AlertRecordParser.parse(item, edge: "seoul-a", index: 0)
            return true
        } catch {
            return false
        }
    }

    @Test("a well-formed alert parses; null value and no sensor are fine")
    func good() throws {
        #expect(try parse([:]))
        #expect(try parse(["value": NSNull(), "sensor": NSNull()]))
        #expect(try parse(["ended_at": "2026-11-29T23:22:04Z", "status": "resolved", "notification": "resolved"]))
    }

    @Test("a field of the wrong type or out of range is refused, never stored as sent", arguments: [
        #"{"sensor":5}"#, #"{"notification":{"x":1}}"#, #"{"notification":"maybe"}"#, #"{"value":"hot"}"#, #"{"value":true}"#,
        #"{"started_at":true}"#, #"{"at":1.5}"#, #"{"at":7.5e21}"#, #"{"at":-1}"#, #"{"ended_at":"yesterday"}"#,
        #"{"at":"12026-12-02T14:00:00Z"}"#,
    ])
    func refused(change: String) throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(change.utf8)) as? [String: Any])
        #expect(try !parse(object), "\(change)")
    }
}
