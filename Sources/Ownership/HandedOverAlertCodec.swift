internal import Foundation

/// The one codec of ``HandedOverAlert`` (JSON, version 1).
///
/// Anyone with the right to publish under `haetae/<site>/` could send anything there, so
/// decoding bounds the size first and checks every field; a bad record is an error naming the
/// field, never a crash, and the standby ignores it (and counts it).
public enum HandedOverAlertCodec {
    /// Longest payload decoded.
    public static let maxBytes = 32 * 1_024
    /// Longest name (rule, site, line, device, sensor, edge, severity, receiver).
    public static let maxNameBytes = 256
    /// Most receivers one alert names.
    public static let maxReceivers = 64
    /// Longest notification body kept.
    public static let maxNotificationBytes = 24 * 1_024
    /// Times are milliseconds in 1970…9999.
    static let millisRange: ClosedRange<Int64> = 0...253_402_300_799_999

    private struct Wire: Codable, SiteRecordWire {
        var v: Int
        var epoch: UInt64
        var edge: String
        var alert_id: String
        var rule: String
        var site: String
        var line: String
        var device: String
        var sensor: String
        var since: Int64
        var value: Double?
        var last_notified: Int64
        var severity: String
        var receivers: [String]
        var notification: String
    }

    public static func encode(_ alert: HandedOverAlert) -> [UInt8] {
        let wire = Wire(
            v: 1, epoch: alert.epoch, edge: alert.edge, alert_id: alert.alertID, rule: alert.rule, site: alert.site,
            line: alert.line, device: alert.device, sensor: alert.sensor, since: alert.sinceMillis,
            value: alert.value.flatMap { $0.isFinite ? $0 : nil }, last_notified: alert.lastNotifiedMillis,
            severity: alert.severity, receivers: alert.receivers, notification: alert.notification)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Strings, whole numbers and a finite double: encoding cannot fail.
        return Array((try? encoder.encode(wire)) ?? Data())
    }

    /// - Parameter topicAlertID: the alert id of the topic it came on; the record must name the same.
    public static func decode(_ bytes: some Collection<UInt8>, topicAlertID: String) throws(SiteRecordError) -> HandedOverAlert {
        let wire = try Wire.decode(bytes, maxBytes: maxBytes)
        guard isAlertID(wire.alert_id[...]), wire.alert_id == topicAlertID else {
            throw .field("alert_id", "not 16 lowercase hex digits or not the topic's (\(topicAlertID))")
        }
        for (name, value, mayBeEmpty) in [
            ("edge", wire.edge, false), ("rule", wire.rule, false), ("site", wire.site, false), ("line", wire.line, true),
            ("device", wire.device, true), ("sensor", wire.sensor, true), ("severity", wire.severity, false),
        ] where !isName(value, mayBeEmpty: mayBeEmpty) {
            throw .field(name, "empty, longer than \(maxNameBytes) bytes or with control characters")
        }
        guard wire.receivers.count <= maxReceivers, wire.receivers.allSatisfy({ isName($0, mayBeEmpty: false) }) else {
            throw .field("receivers", "more than \(maxReceivers), or a name empty, too long or with control characters")
        }
        guard millisRange.contains(wire.since) else { throw .field("since", "\(wire.since) is not a time in 1970…9999 (ms)") }
        guard millisRange.contains(wire.last_notified) else {
            throw .field("last_notified", "\(wire.last_notified) is not a time in 1970…9999 (ms)")
        }
        guard wire.notification.utf8.count <= maxNotificationBytes else {
            throw .field("notification", "longer than \(maxNotificationBytes) bytes")
        }
        return HandedOverAlert(
            epoch: wire.epoch, edge: wire.edge, alertID: wire.alert_id, rule: wire.rule, site: wire.site, line: wire.line,
            device: wire.device, sensor: wire.sensor, sinceMillis: wire.since, value: wire.value,
            lastNotifiedMillis: wire.last_notified, severity: wire.severity, receivers: wire.receivers,
            notification: wire.notification)
    }

    /// 16 lowercase hex digits (``Rules/AlertIdentity``'s form).
    static func isAlertID(_ text: Substring) -> Bool {
        text.utf8.count == 16 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    static func isName(_ text: String, mayBeEmpty: Bool) -> Bool {
        (mayBeEmpty || !text.isEmpty) && text.utf8.count <= maxNameBytes
            && !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
    }
}
