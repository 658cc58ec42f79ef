@testable import CoreService
import CoreStorage
import Readings
import Testing

@Suite("Alarm actions from the API")
struct AlarmActionParserTests {
    static let now: Int64 = 1_796_616_000_000

    static func parse(_ json: String) throws -> AlarmActionRequest {
        try AlarmActionParser.parse(Array(json.utf8), user: "oli", nowMillis: now)
    }

    /// The message of the 400 a body gets.
    static func refusal(_ json: String) -> String? {
        do {
            _ = try parse(json)
            return nil
        } catch let error as APIError {
            return error.status == .badRequest ? error.message : "status \(error.status.code): \(error.message)"
        } catch {
            return "\(error)"
        }
    }

    @Test("every action reads into its typed form with the session's user and the time")
    func everyAction() throws {
        let ack = try Self.parse(#"{"action":"acknowledge","alert_id":"55e4872b2f373195","comment":"crew on the way"}"#)
        #expect(ack == AlarmActionRequest(action: .acknowledge(alertID: "55e4872b2f373195"), user: "oli", comment: "crew on the way", atMillis: Self.now))
        let point = AlarmPoint(rule: "furnace-overheat", site: "seoul", line: "line1", device: "furnace-2", sensor: "temperature")
        let shelve = try Self.parse(#"{"action":"shelve","rule":"furnace-overheat","site":"seoul","line":"line1","device":"furnace-2","sensor":"temperature","for":"8h","comment":"drifts"}"#)
        #expect(shelve.action == .shelve(point, untilMillis: Self.now + 8 * 3_600_000))
        let until = try Self.parse(#"{"action":"shelve","rule":"furnace-overheat","site":"seoul","line":"line1","device":"furnace-2","sensor":"temperature","until":"2026-12-07T08:00:00.000Z","comment":"drifts"}"#)
        #expect(until.action == .shelve(point, untilMillis: 1_796_630_400_000))
        #expect(try Self.parse(#"{"action":"unshelve","rule":"furnace-overheat","site":"seoul","line":"line1","device":"furnace-2","sensor":"temperature"}"#).action == .unshelve(point))
        #expect(try Self.parse(#"{"action":"out_of_service","site":"seoul","line":"line2","device":"press-07","comment":"bearing swap"}"#).action
            == .removeFromService(ServiceScope(site: "seoul", line: "line2", device: "press-07")))
        #expect(try Self.parse(#"{"action":"return_to_service","site":"seoul","line":"line2"}"#).action
            == .returnToService(ServiceScope(site: "seoul", line: "line2")))
    }

    @Test("every refusal names the member and why")
    func refusals() {
        let shelf = #""rule":"r","site":"seoul","line":"l","device":"d","sensor":"s""#
        let cases: [(String, String)] = [
            ("[]", "the body is not a JSON object"),
            (#"{"alert_id":"a"}"#, "action: missing"),
            (#"{"action":"silence"}"#, "action: expected acknowledge, shelve, unshelve, out_of_service or return_to_service"),
            (#"{"action":"acknowledge"}"#, "alert_id: missing"),
            (#"{"action":"acknowledge","alert_id":7}"#, "alert_id: expected a string"),
            (#"{"action":"acknowledge","alert_id":""}"#, "alert_id: empty"),
            (#"{"action":"acknowledge","alert_id":"a","comment":"\#(String(repeating: "x", count: 1_001))"}"#, "comment: longer than 1000 bytes"),
            (#"{"action":"acknowledge","alert_id":"a\u0007"}"#, "alert_id: control characters are not allowed"),
            (#"{"action":"shelve",\#(shelf),"for":"8h"}"#, "comment: say why the alarm is shelved"),
            (#"{"action":"shelve",\#(shelf),"comment":"c"}"#, "until or for: give one, when the shelf ends"),
            (#"{"action":"shelve",\#(shelf),"comment":"c","for":"8h","until":"2026-12-07T08:00:00Z"}"#, "until or for: give one, when the shelf ends"),
            (#"{"action":"shelve",\#(shelf),"comment":"c","for":"soon"}"#, "for: expected a duration with its unit, such as 30m, 8h or 2d"),
            (#"{"action":"shelve",\#(shelf),"comment":"c","for":"600"}"#, "for: expected a duration with its unit, such as 30m, 8h or 2d"),
            (#"{"action":"shelve",\#(shelf),"comment":"c","for":"31d"}"#, "until: a shelf lasts at most 30 days"),
            (#"{"action":"shelve",\#(shelf),"comment":"c","for":"99999999999999d"}"#, "for: expected a duration with its unit, such as 30m, 8h or 2d"),  // overflows
            (#"{"action":"shelve",\#(shelf),"comment":"c","until":"2020-01-01T00:00:00Z"}"#, "until: the shelf would end before it starts"),
            (#"{"action":"shelve",\#(shelf),"comment":"c","until":"tomorrow"}"#, "until: expected an RFC 3339 time or epoch milliseconds"),
            (#"{"action":"shelve","site":"seoul","comment":"c","for":"1h"}"#, "rule: missing"),
            (#"{"action":"out_of_service","site":"seoul","line":"l"}"#, "comment: say why it is out of service"),
            (#"{"action":"out_of_service","site":"seoul","device":"press-07","comment":"c"}"#, "line: a device needs its line"),
            (#"{"action":"return_to_service","line":"l"}"#, "site: missing"),
        ]
        for (body, message) in cases {
            #expect(Self.refusal(body) == message, "\(body)")
        }
        #expect(Self.refusal(String(repeating: " ", count: 17_000) + "{}")?.hasPrefix("status 413") == true)
    }
}
