import CoreStorage
import Foundation
import Readings

/// Turns one posted alert object (the webhook `data` plus `notification` and `at`) into an
/// ``AlertRecord``; a missing or mistyped field is a 400 naming it.
enum AlertRecordParser {
    static func parse(_ item: [String: Any], edge: String, index: Int) throws -> AlertRecord {
        func field(_ key: String) throws -> String {
            guard let value = item[key] as? String, !value.isEmpty else { throw APIError.badRequest("alerts[\(index)].\(key): expected a string") }
            return value
        }
        /// Line and device are empty in the edge's own alerts (a full spool: no line) and in a
        /// flood alert (a whole site): present, a string, possibly empty.
        func place(_ key: String) throws -> String {
            guard let value = item[key] as? String else { throw APIError.badRequest("alerts[\(index)].\(key): expected a string (may be empty)") }
            return value
        }
        func optionalString(_ key: String) throws -> String? {
            switch item[key] {
            case nil, is NSNull: return nil
            case let text as String: return text
            default: throw APIError.badRequest("alerts[\(index)].\(key): expected a string")
            }
        }
        func time(_ key: String) throws -> Int64? {
            let problem = APIError.badRequest("alerts[\(index)].\(key): expected an RFC 3339 time or epoch ms between 1970 and 9999")
            switch item[key] {
            case nil, is NSNull: return nil
            case let text as String:
                guard let millis = Self.millis(text), TimeMath.plausible.contains(millis) else { throw problem }
                return millis
            case let value:
                // Whole epoch milliseconds only: not `true`, not 1.5, not 7.5e21.
                guard let number = Self.number(value), number == number.rounded(), let millis = Int64(exactly: number),
                    TimeMath.plausible.contains(millis)
                else { throw problem }
                return millis
            }
        }
        let status = try field("status")
        guard status == "firing" || status == "resolved" else { throw APIError.badRequest("alerts[\(index)].status: expected firing or resolved") }
        let notification = try optionalString("notification") ?? status
        guard ["firing", "repeat", "resolved"].contains(notification) else {
            throw APIError.badRequest("alerts[\(index)].notification: expected firing, repeat or resolved")
        }
        var value: Double?
        switch item["value"] {
        case nil, is NSNull: value = nil
        case let raw?:
            guard let number = Self.number(raw), number.isFinite else { throw APIError.badRequest("alerts[\(index)].value: expected a number or null") }
            value = number
        }
        guard let started = try time("started_at") else { throw APIError.badRequest("alerts[\(index)].started_at: required") }
        let json = String(decoding: (try? JSONSerialization.data(withJSONObject: item, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
        return AlertRecord(
            edge: edge, alertID: try field("alert_id"), rule: try field("rule"), severity: try field("severity"), status: status,
            notification: notification, site: try field("site"), line: try place("line"),
            device: try place("device"), sensor: try optionalString("sensor") ?? "", value: value,
            startedAtMillis: started, endedAtMillis: try time("ended_at"), atMillis: try time("at") ?? started, json: json)
    }

    /// A JSON number as a `Double`; nil for anything else, `true` and `false` included (which
    /// JSONSerialization gives as numbers too).
    static func number(_ value: Any) -> Double? {
        guard let number = value as? NSNumber, !(value is String), String(cString: number.objCType) != "c" else { return nil }
        return number.doubleValue
    }

    /// Epoch milliseconds of an RFC 3339 time, by the same parser the edge uses for payload
    /// `ts` (four-digit years, so nothing past 9999 and no other shapes).
    static func millis(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { RFC3339.epochMillis(UnsafeRawBufferPointer($0)) }
    }
}
