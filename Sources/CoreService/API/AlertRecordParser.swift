import CoreStorage
import Readings

/// Turns the alerts an edge posts (``Readings/AlertCodec``, the one alert form) into
/// ``AlertRecord``s; a wrong item is a 400 naming its member (`alerts[2].started_at: …`).
enum AlertRecordParser {
    /// Most alerts in one post (the edge sends at most 500).
    static let maxAlertsPerPost = 10_000

    /// The post's records, each stored with its canonical form (``AlertCodec/encodeLaneItem(_:)``):
    /// what `GET /api/v1/alerts` serves is what every producer writes, whatever the sender's
    /// spacing or member order; members the codec does not know are not kept.
    /// - Throws: 403 when the post is not the token's `edge` (also when it names none), else 400.
    static func parse(_ bytes: some Collection<UInt8>, edge: String) throws -> AlertPost {
        let post: AlertPost
        do {
            post = try AlertCodec.decodePost(bytes, maxAlerts: maxAlertsPerPost)
        } catch {
            if error.path == "edge" { throw APIError.forbidden("the alerts name no edge (this token's edge is \(edge))") }
            throw APIError.badRequest(error.description)
        }
        guard post.edge == edge else { throw APIError.forbidden("the alerts' edge does not match this token (edge \(edge))") }
        return post
    }

    static func record(_ notice: AlertNotice, edge: String) -> AlertRecord {
        let alert = notice.alert
        return AlertRecord(
            edge: edge, alertID: alert.id, rule: alert.rule, severity: alert.severity, status: notice.kind.status,
            notification: notice.kind.rawValue, site: alert.site, line: alert.line, device: alert.device, sensor: alert.sensor,
            value: alert.value, startedAtMillis: alert.startedAtMillis, endedAtMillis: alert.endedAtMillis, atMillis: notice.atMillis,
            json: String(decoding: AlertCodec.encodeLaneItem(notice), as: UTF8.self))
    }

    /// Epoch milliseconds of an RFC 3339 time, by the same parser the edge uses for payload
    /// `ts` (four-digit years, so nothing past 9999 and no other shapes).
    static func millis(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { RFC3339.epochMillis(UnsafeRawBufferPointer($0)) }
    }
}
