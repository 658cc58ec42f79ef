/// An alert notification in the form a Prometheus Alertmanager takes (`POST /api/v2/alerts`, a
/// list of one), so Alertmanager's routing, grouping, silences and inhibition work on Haetae's
/// alarms as on Prometheus's:
///
/// ```json
/// [{"annotations":{"alert_id":"55e4872b2f373195","edge":"seoul-a","summary":"…","value":"151.2"},
///   "endsAt":"9999-12-31T00:00:00.000Z",
///   "labels":{"alertname":"overheat","device":"press-03","line":"line1","sensor":"temperature","severity":"critical","site":"seoul","team":"melt"},
///   "startsAt":"2026-12-07T07:29:48.515Z"}]
/// ```
///
/// The labels are stable for the life of the alarm point (the rule, its place, its severity and
/// the rule's labels; no time, value or id), so Alertmanager sees each firing and repeat as the
/// same alert and the resolve, with `endsAt` its end, closes it. A firing alert's `endsAt` is far
/// ahead: it stays active until the edge resolves it, not `resolve_timeout` after the last send.
/// Label names are made Prometheus names (`[a-zA-Z_][a-zA-Z0-9_]*`: other characters become
/// `_`); empty values are left out (in Prometheus an empty label is no label); a rule label never
/// replaces one of the alarm's own.
public enum AlertmanagerCodec {
    /// What a firing alert's `endsAt` says: until it is resolved.
    public static let openEndMillis: Int64 = 253_402_214_400_000  // 9999-12-31T00:00:00Z

    public static func encode(_ notice: AlertNotice) -> [UInt8] {
        let alert = notice.alert
        var labels: [String: String] = [:]
        for (name, value) in alert.labels where !value.isEmpty { labels[labelName(name)] = value }
        let own = ["alertname": alert.rule, "severity": alert.severity, "site": alert.site, "line": alert.line, "device": alert.device, "sensor": alert.sensor]
        for (name, value) in own {
            if value.isEmpty { labels[name] = nil } else { labels[name] = value }
        }
        var annotations = alert.annotations
        annotations["alert_id"] = alert.id
        if !alert.edge.isEmpty { annotations["edge"] = alert.edge }
        if let value = alert.value { annotations["value"] = value.description }
        var out: [UInt8] = Array(#"[{"annotations":"#.utf8)
        appendMap(annotations, to: &out)
        out.append(contentsOf: #","endsAt":"#.utf8)
        let end = notice.kind == .resolved ? (alert.endedAtMillis ?? notice.atMillis) : openEndMillis
        BatchCodec.appendString(RFC3339.format(millis: max(end, alert.startedAtMillis)), to: &out)
        out.append(contentsOf: #","labels":"#.utf8)
        appendMap(labels, to: &out)
        out.append(contentsOf: #","startsAt":"#.utf8)
        BatchCodec.appendString(RFC3339.format(millis: alert.startedAtMillis), to: &out)
        out.append(contentsOf: "}]".utf8)
        return out
    }

    /// A Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`.
    public static func labelName(_ name: String) -> String {
        var out = ""
        for (index, scalar) in name.unicodeScalars.enumerated() {
            let isLetter = (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "_"
            let isDigit = scalar >= "0" && scalar <= "9"
            if index == 0, isDigit { out.append("_") }
            out.unicodeScalars.append(isLetter || isDigit ? scalar : "_")
        }
        return out.isEmpty ? "_" : out
    }

    private static func appendMap(_ map: [String: String], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, key) in map.keys.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            BatchCodec.appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            BatchCodec.appendString(map[key] ?? "", to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}
