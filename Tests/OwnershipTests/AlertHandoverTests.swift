import Ownership
import Testing

@Suite("Alert handover: record codec and the standby's shadow")
struct AlertHandoverTests {
    static func alert(id: String = "00112233445566aa", epoch: UInt64 = 3, since: Int64 = 1_700_000_000_000) -> HandedOverAlert {
        HandedOverAlert(
            epoch: epoch, edge: "seoul-a", alertID: id, rule: "furnace-overheat", site: "seoul", line: "line1",
            device: "furnace-01", sensor: "temperature", sinceMillis: since, value: 912.5, lastNotifiedMillis: since + 60_000,
            severity: "critical", receivers: ["ops", "maintenance"], notification: #"{"type":"alert.firing"}"#)
    }

    @Test("a record survives encoding and decoding; a value that is not a number travels as none")
    func roundTrip() throws {
        let alert = Self.alert()
        #expect(try HandedOverAlertCodec.decode(HandedOverAlertCodec.encode(alert), topicAlertID: alert.alertID) == alert)
        var silent = alert
        silent.value = .nan
        silent.sensor = ""
        var expected = silent
        expected.value = nil
        #expect(try HandedOverAlertCodec.decode(HandedOverAlertCodec.encode(silent), topicAlertID: alert.alertID) == expected)
        #expect(HandedOverAlert.topic(site: "seoul", alertID: alert.alertID) == "haetae/seoul/alerts/00112233445566aa")
        #expect(HandedOverAlert.alertID(inTopic: "haetae/seoul/alerts/00112233445566aa", site: "seoul") == "00112233445566aa")
        #expect(HandedOverAlert.alertID(inTopic: "haetae/seoul/alerts/../owner", site: "seoul") == nil)
        #expect(HandedOverAlert.alertID(inTopic: "haetae/gwangju/alerts/00112233445566aa", site: "seoul") == nil)
    }

    @Test("what anyone could publish on an alert topic is refused with the field named, never taken")
    func refusesBadRecords() {
        let good = String(decoding: HandedOverAlertCodec.encode(Self.alert()), as: UTF8.self)
        func with(_ field: String, _ value: String) -> String {
            // Replaces one field's JSON value in the sorted encoding.
            let range = good.range(of: "\"\(field)\":")!
            var end = range.upperBound
            var depth = 0
            var inString = false
            while end < good.endIndex {
                let c = good[end]
                if c == "\"" && good[good.index(before: end)] != "\\" { inString.toggle() }
                if !inString {
                    if c == "[" || c == "{" { depth += 1 }
                    if c == "]" || c == "}" { if depth == 0 { break }; depth -= 1 }
                    if c == "," && depth == 0 { break }
                }
                end = good.index(after: end)
            }
            return good.replacingCharacters(in: range.upperBound..<end, with: value)
        }
        let cases: [(String, String, SiteRecordError)] = [
            ("", "00112233445566aa", .empty),
            (String(repeating: " ", count: HandedOverAlertCodec.maxBytes + 1), "00112233445566aa", .tooLarge(HandedOverAlertCodec.maxBytes + 1)),
            ("[]", "00112233445566aa", .malformed("not a JSON object")),
            ("{", "00112233445566aa", .malformed("not a valid JSON record (numbers: whole, 0 or more)")),
            (with("v", "2"), "00112233445566aa", .field("v", "version 2 is not 1")),
            (with("epoch", "0"), "00112233445566aa", .field("epoch", "0 is not in 1…9007199254740992")),
            (good, "00112233445566ab", .field("alert_id", "not 16 lowercase hex digits or not the topic's (00112233445566ab)")),
            (with("alert_id", #""0011223344556ZZZ""#), "0011223344556ZZZ", .field("alert_id", "not 16 lowercase hex digits or not the topic's (0011223344556ZZZ)")),
            (with("rule", #""""#), "00112233445566aa", .field("rule", "empty, longer than 256 bytes or with control characters")),
            (with("device", "\"\(String(repeating: "d", count: 257))\""), "00112233445566aa", .field("device", "empty, longer than 256 bytes or with control characters")),
            (with("receivers", #"["ops\u0000"]"#), "00112233445566aa", .field("receivers", "more than 64, or a name empty, too long or with control characters")),
            (with("since", "-5"), "00112233445566aa", .field("since", "-5 is not a time in 1970…9999 (ms)")),
            (with("last_notified", "999999999999999999"), "00112233445566aa", .field("last_notified", "999999999999999999 is not a time in 1970…9999 (ms)")),
            (with("since", "1.5"), "00112233445566aa", .malformed("not a valid JSON record (numbers: whole, 0 or more)")),
            (with("rule", "7"), "00112233445566aa", .malformed("field rule: wrong type")),
        ]
        for (payload, topicID, expected) in cases {
            #expect(throws: expected, "\(payload.prefix(80))") {
                try HandedOverAlertCodec.decode(Array(payload.utf8), topicAlertID: topicID)
            }
        }
    }

    @Test("the shadow keeps the latest record per alert, forgets cleared ones, ignores an older epoch's late resend and bad records")
    func shadowFollowsTheTopics() {
        var shadow = AlertHandoverShadow()
        let first = Self.alert(id: "00000000000000a1", epoch: 3, since: 2_000)
        let second = Self.alert(id: "00000000000000a2", epoch: 3, since: 1_000)
        #expect(shadow.received(alertID: first.alertID, payload: HandedOverAlertCodec.encode(first)) == .kept)
        #expect(shadow.received(alertID: second.alertID, payload: HandedOverAlertCodec.encode(second)) == .kept)
        #expect(shadow.alerts == [second, first], "oldest first")

        var repeated = first
        repeated.epoch = 4
        repeated.lastNotifiedMillis = 9_000
        #expect(shadow.received(alertID: first.alertID, payload: HandedOverAlertCodec.encode(repeated)) == .kept)
        #expect(shadow.received(alertID: first.alertID, payload: HandedOverAlertCodec.encode(first)) == .older)
        #expect(shadow.alerts.last == repeated)

        #expect(shadow.received(alertID: second.alertID, payload: [UInt8]()) == .cleared)
        #expect(shadow.alerts == [repeated])
        if case .bad(.field("alert_id", _)) = shadow.received(alertID: "00000000000000ff", payload: HandedOverAlertCodec.encode(first)) {
        } else {
            Issue.record("a record under another alert's topic was taken")
        }
        #expect(shadow.count == 1)
    }

    @Test("the shadow is bounded in count and bytes: new ids beyond either are refused, known ones still update")
    func shadowIsBounded() {
        var shadow = AlertHandoverShadow(maxAlerts: 2, maxBytes: 100_000)
        for n in 0..<2 {
            let alert = Self.alert(id: "000000000000000\(n)")
            #expect(shadow.received(alertID: alert.alertID, payload: HandedOverAlertCodec.encode(alert)) == .kept)
        }
        let third = Self.alert(id: "0000000000000003")
        #expect(shadow.received(alertID: third.alertID, payload: HandedOverAlertCodec.encode(third)) == .full)
        let update = Self.alert(id: "0000000000000001", epoch: 9)
        #expect(shadow.received(alertID: update.alertID, payload: HandedOverAlertCodec.encode(update)) == .kept)

        let one = HandedOverAlertCodec.encode(Self.alert(id: "0000000000000005")).count
        var small = AlertHandoverShadow(maxAlerts: 100, maxBytes: one * 2 + 10)
        for n in 5..<7 {
            let alert = Self.alert(id: "000000000000000\(n)")
            #expect(small.received(alertID: alert.alertID, payload: HandedOverAlertCodec.encode(alert)) == .kept)
        }
        let more = Self.alert(id: "0000000000000008")
        #expect(small.received(alertID: more.alertID, payload: HandedOverAlertCodec.encode(more)) == .full)
        #expect(small.received(alertID: "0000000000000005", payload: [UInt8]()) == .cleared)
        #expect(small.received(alertID: more.alertID, payload: HandedOverAlertCodec.encode(more)) == .kept, "room again once one cleared")
    }
}
