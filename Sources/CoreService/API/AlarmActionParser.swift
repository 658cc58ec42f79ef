import Clocks
import CoreStorage
import Foundation
import Readings

/// Reads the body of `POST /api/v1/alarms/actions` into an ``AlarmActionRequest``; every refusal
/// is a 400 naming its member. Pure: the caller gives the user (from the page session) and the time.
///
/// ```json
/// {"action":"acknowledge","alert_id":"55e4872b2f373195","comment":"crew on the way"}
/// {"action":"shelve","rule":"furnace-overheat","site":"seoul","line":"line1","device":"furnace-2","sensor":"temperature",
///  "for":"8h","comment":"thermocouple drifts; replaced Friday"}
/// {"action":"out_of_service","site":"seoul","line":"line2","device":"press-07","comment":"bearing swap"}
/// ```
enum AlarmActionParser {
    /// Longest shelf: a shelf is a temporary measure, and one forgotten for good hides a real hazard.
    static let maxShelveMillis: Int64 = 30 * 86_400_000
    static let maxBodyBytes = 16 * 1024

    static func parse(_ bytes: [UInt8], user: String, nowMillis: Int64) throws -> AlarmActionRequest {
        guard bytes.count <= maxBodyBytes else { throw APIError.tooLarge("an alarm action is at most \(maxBodyBytes) bytes") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw APIError.badRequest("the body is not a JSON object")
        }
        let fields = Fields(object: object)
        let name = try fields.string("action", required: true)
        let comment = try fields.string("comment", limit: AlarmSuppressionsCodec.maxCommentBytes)
        let action: AlarmAction
        switch name {
        case "acknowledge":
            action = .acknowledge(alertID: try fields.string("alert_id", required: true))
        case "shelve":
            guard !comment.isEmpty else { throw APIError.badRequest("comment: say why the alarm is shelved") }
            action = .shelve(try fields.point(), untilMillis: try shelfEnd(fields, nowMillis: nowMillis))
        case "unshelve":
            action = .unshelve(try fields.point())
        case "out_of_service":
            guard !comment.isEmpty else { throw APIError.badRequest("comment: say why it is out of service") }
            action = .removeFromService(try fields.scope())
        case "return_to_service":
            action = .returnToService(try fields.scope())
        default:
            throw APIError.badRequest("action: expected \(AlarmAction.names)")
        }
        return AlarmActionRequest(action: action, user: user, comment: comment, atMillis: nowMillis)
    }

    /// `until` (RFC 3339 or epoch ms) or `for` (`30m`, `8h`, `2d`): after now, at most 30 days on.
    private static func shelfEnd(_ fields: Fields, nowMillis: Int64) throws -> Int64 {
        let untilText = try fields.string("until")
        let forText = try fields.string("for")
        let until: Int64
        switch (untilText.isEmpty, forText.isEmpty) {
        case (false, true):
            guard let millis = Int64(untilText) ?? AlertRecordParser.millis(untilText) else {
                throw APIError.badRequest("until: expected an RFC 3339 time or epoch milliseconds")
            }
            until = millis
        case (true, false):
            guard let duration = DurationText.millis(forText), duration > 0 else {
                throw APIError.badRequest("for: expected a duration with its unit, such as 30m, 8h or 2d")
            }
            until = duration > maxShelveMillis ? .max : nowMillis + duration
        default:
            throw APIError.badRequest("until or for: give one, when the shelf ends")
        }
        guard until > nowMillis else { throw APIError.badRequest("until: the shelf would end before it starts") }
        guard until - nowMillis <= maxShelveMillis else { throw APIError.badRequest("until: a shelf lasts at most 30 days") }
        return until
    }

    /// The members of the body, read strictly: strings only, bounded.
    private struct Fields {
        let object: [String: Any]

        func string(_ name: String, required: Bool = false, limit: Int = AlertCodec.maxNameBytes) throws -> String {
            guard let value = object[name] else {
                if required { throw APIError.badRequest("\(name): missing") }
                return ""
            }
            guard let text = value as? String else { throw APIError.badRequest("\(name): expected a string") }
            guard text.utf8.count <= limit else { throw APIError.badRequest("\(name): longer than \(limit) bytes") }
            guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" }) else {
                throw APIError.badRequest("\(name): control characters are not allowed")
            }
            if required && text.isEmpty { throw APIError.badRequest("\(name): empty") }
            return text
        }

        func point() throws -> AlarmPoint {
            AlarmPoint(
                rule: try string("rule", required: true), site: try string("site", required: true), line: try string("line"),
                device: try string("device"), sensor: try string("sensor"))
        }

        func scope() throws -> ServiceScope {
            let scope = ServiceScope(site: try string("site", required: true), line: try string("line"), device: try string("device"))
            guard !scope.line.isEmpty || scope.device.isEmpty else { throw APIError.badRequest("line: a device needs its line") }
            return scope
        }
    }
}
