import CoreStorage
import Foundation

/// Turns one posted alert object (the webhook `data` plus `notification` and `at`) into an
/// ``AlertRecord``; a missing or mistyped field is a 400 naming it.
enum AlertRecordParser {
    static func parse(_ item: [String: Any], edge: String, index: Int) throws -> AlertRecord {
        func field(_ key: String) throws -> String {
            guard let value = item[key] as? String, !value.isEmpty else { throw APIError.badRequest("alerts[\(index)].\(key): expected a string") }
            return value
        }
        func time(_ key: String) throws -> Int64? {
            switch item[key] {
            case nil, is NSNull: return nil
            case let number as NSNumber: return number.int64Value
            case let text as String:
                guard let millis = Self.millis(text) else { throw APIError.badRequest("alerts[\(index)].\(key): expected an RFC 3339 time or epoch ms") }
                return millis
            default: throw APIError.badRequest("alerts[\(index)].\(key): expected an RFC 3339 time or epoch ms")
            }
        }
        let status = try field("status")
        guard status == "firing" || status == "resolved" else { throw APIError.badRequest("alerts[\(index)].status: expected firing or resolved") }
        guard let started = try time("started_at") else { throw APIError.badRequest("alerts[\(index)].started_at: required") }
        let json = String(decoding: (try? JSONSerialization.data(withJSONObject: item, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
        return AlertRecord(
            edge: edge, alertID: try field("alert_id"), rule: try field("rule"), severity: try field("severity"), status: status,
            notification: (item["notification"] as? String) ?? status, site: try field("site"), line: try field("line"),
            device: try field("device"), sensor: (item["sensor"] as? String) ?? "", value: (item["value"] as? NSNumber)?.doubleValue,
            startedAtMillis: started, endedAtMillis: try time("ended_at"), atMillis: try time("at") ?? started, json: json)
    }

    static func millis(_ text: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1_000).rounded()) }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text).map { Int64($0.timeIntervalSince1970 * 1_000) }
    }
}
