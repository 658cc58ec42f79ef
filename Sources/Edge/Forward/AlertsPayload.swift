import Foundation

/// The body of `POST /api/v1/alerts`: `{"edge":…, "alerts":[…]}`, one object per notification:
/// the webhook body's `data` (alert_id, rule, severity, status, notification, site, line, device,
/// sensor, value, started_at, ended_at?, labels, annotations, edge, reading_ts?, seq?) plus `at`,
/// the notification's time stamp (RFC 3339). The core can drop repeats by
/// (edge, alert_id, notification, at).
enum AlertsPayload {
    /// Encodes stored webhook bodies; a body that is not a notification is left out and returned
    /// in `unreadable` (it can never be sent, so the caller marks it and logs it).
    static func encode(edge: String, bodies: [(id: Int64, body: [UInt8])]) -> (json: [UInt8], included: [Int64], unreadable: [Int64]) {
        var alerts: [Any] = []
        var included: [Int64] = []
        var unreadable: [Int64] = []
        for row in bodies {
            guard let object = try? JSONSerialization.jsonObject(with: Data(row.body)) as? [String: Any],
                var data = object["data"] as? [String: Any], let timestamp = object["timestamp"] as? String
            else {
                unreadable.append(row.id)
                continue
            }
            if data["notification"] == nil, let type = object["type"] as? String {
                data["notification"] = type.hasPrefix("alert.") ? String(type.dropFirst(6)) : type
            }
            data["at"] = timestamp
            alerts.append(data)
            included.append(row.id)
        }
        let payload: [String: Any] = ["edge": edge, "alerts": alerts]
        let json = (try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return (Array(json), included, unreadable)
    }
}
