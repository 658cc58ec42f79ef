import Foundation
import Rules

/// The webhook body of one alert notification (DESIGN §3.3), also what the edge stores for the
/// core and lists at `/api/v1/alerts`.
///
/// ```json
/// {"type":"alert.firing","timestamp":"2026-11-29T23:01:22.053Z",
///  "data":{"alert_id":"…","rule":"furnace-overheat","severity":"critical","status":"firing",…}}
/// ```
struct AlertNotification: Codable, Sendable {
    struct Payload: Codable, Sendable {
        var alertID: String
        var rule: String
        var severity: String
        /// `firing` or `resolved`.
        var status: String
        /// `firing`, `repeat` or `resolved`: which notification of the alert this is.
        var notification: String
        var site: String
        var line: String
        var device: String
        /// `""` for an alert about a whole device (a rule over several of its sensors).
        var sensor: String
        /// The value that caused the transition; null when it was not a finite number.
        var value: Double?
        var startedAt: String
        var endedAt: String?
        var labels: [String: String]
        var annotations: [String: String]
        var edge: String
        /// The causing reading's own timestamp (epoch ms) and device `seq`, when known.
        var readingTs: Int64?
        var seq: Int64?

        enum CodingKeys: String, CodingKey {
            case rule, severity, status, notification, site, line, device, sensor, value, labels, annotations, edge, seq
            case alertID = "alert_id"
            case startedAt = "started_at"
            case endedAt = "ended_at"
            case readingTs = "reading_ts"
        }
    }

    var type: String
    var timestamp: String
    var data: Payload

    init(_ alert: EdgeAlert, edge: String) {
        let event = alert.event
        type = event.kind == .resolved ? "alert.resolved" : "alert.firing"
        timestamp = Self.rfc3339(millis: event.atMillis)
        data = Payload(
            alertID: event.alertID, rule: event.rule, severity: event.severity.rawValue,
            status: event.kind == .resolved ? "resolved" : "firing", notification: event.kind.rawValue,
            site: event.site, line: event.line, device: event.device, sensor: event.sensor,
            value: event.value.isFinite ? event.value : nil,
            startedAt: Self.rfc3339(millis: event.startedAtMillis), endedAt: event.endedAtMillis.map(Self.rfc3339(millis:)),
            labels: event.labels, annotations: event.annotations, edge: edge, readingTs: alert.readingTs, seq: alert.seq)
    }

    /// The Standard Webhooks `webhook-id`: one per notification, the same on every retry.
    static func webhookID(_ event: AlertEvent) -> String {
        "msg_\(event.alertID)_\(event.kind.rawValue)_\(event.atMillis)"
    }

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every field is a string, a finite number or a string map: encoding cannot fail.
        return (try? Array(encoder.encode(self))) ?? []
    }

    static func rfc3339(millis: Int64) -> String {
        var seconds = time_t(millis / 1_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1_900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(millis % 1_000))
    }
}
