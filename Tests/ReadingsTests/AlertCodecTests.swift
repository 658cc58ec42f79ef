import Foundation
import Readings
import Testing

@Suite("AlertCodec: the one wire form of alerts")
struct AlertCodecTests {
    static let firing = AlertNotice(kind: .firing, atMillis: 1_796_628_588_515, alert: Alert(
        id: "55e4872b2f373195", rule: "overheat", severity: "critical", site: "seoul", line: "line1", device: "press-03",
        sensor: "temperature", value: 151.2, startedAtMillis: 1_796_628_588_515, labels: ["zone": "b/2"],
        annotations: ["summary": "press-03 temperature 151.2 > 150"], edge: "seoul-a", readingTs: 1_796_628_588_500, seq: 812))

    /// The golden webhook body: every producer writes these bytes for this notification.
    static let firingBody = #"{"data":{"alert_id":"55e4872b2f373195","annotations":{"summary":"press-03 temperature 151.2 > 150"},"device":"press-03","edge":"seoul-a","ended_at":null,"labels":{"zone":"b/2"},"line":"line1","notification":"firing","reading_ts":1796628588500,"rule":"overheat","sensor":"temperature","seq":812,"severity":"critical","site":"seoul","started_at":"2026-12-07T07:29:48.515Z","status":"firing","value":151.2},"timestamp":"2026-12-07T07:29:48.515Z","type":"alert.firing"}"#

    static var resolved: AlertNotice {
        var notice = firing
        notice.kind = .resolved
        notice.atMillis = firing.atMillis + 61_000
        notice.alert.endedAtMillis = notice.atMillis
        notice.alert.value = nil
        notice.alert.readingTs = nil
        notice.alert.seq = nil
        return notice
    }

    @Test("a webhook body is written in one form, member by member in sorted order, and reads back as the same notification")
    func webhookGolden() throws {
        #expect(String(decoding: AlertCodec.encode(Self.firing), as: UTF8.self) == Self.firingBody)
        #expect(try AlertCodec.decodeNotice(Array(Self.firingBody.utf8)) == Self.firing)
        let resolved = AlertCodec.encode(Self.resolved)
        let text = String(decoding: resolved, as: UTF8.self)
        #expect(text.contains(#""ended_at":"2026-12-07T07:30:49.515Z""#) && text.contains(#""value":null"#) && text.contains(#""type":"alert.resolved""#))
        #expect(try AlertCodec.decodeNotice(resolved) == Self.resolved)
        #expect(Self.firing.webhookID == "msg_55e4872b2f373195_firing_1796628588515")
    }

    @Test("what Foundation's JSON parser reads from the body is the same alert (the form is plain JSON)")
    func readableByFoundation() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(AlertCodec.encode(Self.firing))) as? [String: Any])
        let data = try #require(object["data"] as? [String: Any])
        #expect(data["value"] as? Double == 151.2 && data["seq"] as? Int == 812 && (data["labels"] as? [String: String]) == ["zone": "b/2"])
        #expect(object["type"] as? String == "alert.firing")
    }

    @Test("the alert lane's post carries each notification's data with at, and reads back whole")
    func laneRoundTrip() throws {
        let post = AlertPost(edge: "seoul-a", notices: [Self.firing, Self.resolved])
        let bytes = AlertCodec.encode(post)
        #expect(try AlertCodec.decodePost(bytes) == post)
        let item = AlertCodec.encodeLaneItem(Self.firing)
        #expect(String(decoding: item, as: UTF8.self).contains(#""at":"2026-12-07T07:29:48.515Z""#))
        #expect(try AlertCodec.decodeLaneItem(item) == Self.firing)
        #expect(try AlertCodec.decodePost(Array(#"{"edge":"e","alerts":[]}"#.utf8)).notices.isEmpty)
        #expect(String(decoding: AlertCodec.list([item, item]), as: UTF8.self).hasPrefix("[{") == true)
    }

    @Test("the edge's own alerts (no line) and a flood alert (no line, no device) are alerts like any other")
    func emptyPlaces() throws {
        var system = Self.firing
        system.alert.rule = "edge:spool-storage"
        system.alert.line = ""
        system.alert.sensor = ""
        var flood = system
        flood.alert.device = ""
        for notice in [system, flood] {
            #expect(try AlertCodec.decodeNotice(AlertCodec.encode(notice)) == notice)
            #expect(try AlertCodec.decodeLaneItem(AlertCodec.encodeLaneItem(notice)) == notice)
        }
    }

    @Test("names, labels and annotations with quotes, backslashes, control characters, non-ASCII and slashes survive")
    func awkwardText() throws {
        var notice = Self.firing
        notice.alert.device = "프레스-07 \"A\"\\b"
        notice.alert.annotations = ["summary": "line\nbreak\t\u{1}", "detail": "a/b 온도"]
        #expect(try AlertCodec.decodeNotice(AlertCodec.encode(notice)) == notice)
        _ = try JSONSerialization.jsonObject(with: Data(AlertCodec.encode(notice)))
    }

    @Test("an older or hand-written item still reads: times as epoch ms, null and missing optionals, notification from status, at from the start")
    func lenientWhereHarmless() throws {
        let item = #"{"alert_id":"a1","rule":"r","severity":"warning","status":"resolved","site":"s","line":"l","device":"d","started_at":1796628588515,"ended_at":"2026-12-07T07:30:49.515Z","value":null,"extra":{"x":[1,2]}}"#
        let notice = try AlertCodec.decodeLaneItem(Array(item.utf8))
        #expect(notice.kind == .resolved && notice.alert.sensor == "" && notice.alert.startedAtMillis == 1_796_628_588_515)
        #expect(notice.atMillis == 1_796_628_649_515, "no at: the end")
        #expect(notice.alert.labels.isEmpty && notice.alert.value == nil && notice.alert.edge == "")
    }

    @Test("a wrong item is refused with the member named")
    func refusals() {
        let good = String(decoding: AlertCodec.encodeLaneItem(Self.firing), as: UTF8.self)
        func post(_ item: String) -> [UInt8] { Array(#"{"edge":"seoul-a","alerts":[\#(good),\#(item)]}"#.utf8) }
        func replacing(_ old: String, _ new: String) -> String { good.replacingOccurrences(of: old, with: new) }
        let cases: [(String, String)] = [
            (#"{"rule":"x"}"#, "alerts[1].status: missing"),
            (replacing(#""alert_id":"55e4872b2f373195""#, #""alert_id":"""#), "alerts[1].alert_id: empty"),
            (replacing(#""status":"firing""#, #""status":"burning""#), "alerts[1].status: expected firing or resolved"),
            (replacing(#""notification":"firing""#, #""notification":"resolved""#), "alerts[1].notification: resolved does not go with status firing"),
            (replacing(#""value":151.2"#, #""value":"hot""#), "alerts[1].value: expected a number or null"),
            (replacing(#""started_at":"2026-12-07T07:29:48.515Z""#, #""started_at":"yesterday""#), "alerts[1].started_at: expected an RFC 3339 time or epoch ms between 1970 and 9999"),
            (replacing(#""started_at":"2026-12-07T07:29:48.515Z""#, #""started_at":1.5"#), "alerts[1].started_at: expected an RFC 3339 time or epoch ms between 1970 and 9999"),
            (replacing(#""seq":812"#, #""seq":8.5"#), "alerts[1].seq: expected a whole number or null"),
            (replacing(#""labels":{"zone":"b/2"}"#, #""labels":{"zone":7}"#), "alerts[1].labels.zone: expected a string"),
            (replacing(#""line":"line1""#, #""line":null"#), "alerts[1].line: expected a string"),
            (replacing(#""device":"press-03","#, ""), "alerts[1].device: missing"),
            (replacing(#""rule":"overheat""#, #""rule":"\#(String(repeating: "r", count: 300))""#), "alerts[1].rule: longer than 256 bytes"),
        ]
        for (item, expected) in cases {
            #expect(throws: AlertDecodingError.self, "\(item)") { try AlertCodec.decodePost(post(item)) }
            do {
                _ = try AlertCodec.decodePost(post(item))
            } catch {
                #expect(error.description == expected, "\(item)")
            }
        }
        let labels = (0..<65).map { #""k\#($0)":"v""# }.joined(separator: ",")
        #expect(throws: AlertDecodingError("alerts[1].labels", "more than 64 entries")) {
            try AlertCodec.decodePost(post(replacing(#""labels":{"zone":"b/2"}"#, "\"labels\":{\(labels)}")))
        }
        #expect(throws: AlertDecodingError("", "not JSON")) { try AlertCodec.decodePost(Array("{\"edge\":".utf8)) }
        #expect(throws: AlertDecodingError("edge", "missing")) { try AlertCodec.decodePost(Array(#"{"alerts":[]}"#.utf8)) }
        #expect(throws: AlertDecodingError("alerts", "more than 1 alerts and commands")) { try AlertCodec.decodePost(post(good), maxAlerts: 1) }
        #expect(throws: AlertDecodingError("type", "alert.resolved does not match notification firing")) {
            try AlertCodec.decodeNotice(Array(Self.firingBody.replacingOccurrences(of: "alert.firing", with: "alert.resolved").utf8))
        }
    }

    @Test("RFC 3339 formatting matches the parser across the calendar, clamped to 1970…9999")
    func timeFormat() {
        for millis: Int64 in [0, 951_782_400_000, 1_709_208_000_123, 1_796_628_588_515, 253_402_300_799_999] {
            let text = RFC3339.format(millis: millis)
            #expect(Array(text.utf8).withUnsafeBytes { RFC3339.epochMillis($0) } == millis, "\(text)")
        }
        #expect(RFC3339.format(millis: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(RFC3339.format(millis: -5) == "1970-01-01T00:00:00.000Z")
    }
}
