/// The one wire form of alerts (DESIGN §3.3), written here and read by ``decodeNotice(_:)`` and
/// ``decodePost(_:maxAlerts:)``: the edge's webhook bodies, what it stores and posts to the core,
/// what the core keeps and serves, what the simulator checks.
///
/// A webhook body (Standard Webhooks: `type`, `timestamp`, `data`):
///
/// ```json
/// {"data":{"alert_id":"55e4872b2f373195","annotations":{"summary":"…"},"device":"press-03","edge":"seoul-a",
///  "ended_at":null,"labels":{},"line":"line1","notification":"firing","reading_ts":1796616588515,"rule":"overheat",
///  "sensor":"temperature","seq":812,"severity":"critical","site":"seoul","started_at":"2026-12-07T07:29:48.515Z",
///  "status":"firing","value":151.2},"timestamp":"2026-12-07T07:29:48.515Z","type":"alert.firing"}
/// ```
///
/// The alert lane to the core (`POST /api/v1/alerts`) carries each notification as its `data`
/// object plus `at` (the webhook's `timestamp`), and the stop commands recorded since (see
/// ``encodeCommand(_:)``): `{"alerts":[{…,"at":"…",…}],"commands":[…],"edge":"seoul-a"}`.
///
/// Members are written in sorted order, every one of them every time (`null` when a value, an end
/// or the causing reading is not known); times as RFC 3339 with milliseconds in UTC
/// (`reading_ts` as epoch milliseconds, as in readings). No Foundation: the simulator, the core
/// and the edge share these bytes.
public enum AlertCodec {
    /// Longest `alert_id`, and longest rule, severity, site, line, device, sensor and edge name.
    public static let maxNameBytes = 256
    /// Most labels and most annotations of one alert.
    public static let maxMapEntries = 64
    /// Longest label or annotation value.
    public static let maxTextBytes = 4_096

    /// The webhook body of a notification.
    public static func encode(_ notice: AlertNotice) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        out.append(contentsOf: #"{"data":"#.utf8)
        appendData(of: notice, at: false, to: &out)
        out.append(contentsOf: #","timestamp":"#.utf8)
        BatchCodec.appendString(RFC3339.format(millis: notice.atMillis), to: &out)
        out.append(contentsOf: #","type":"#.utf8)
        BatchCodec.appendString(notice.kind.webhookType, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// A notification's `data` object alone (what the edge lists at its `/api/v1/alerts`).
    public static func encodeData(_ notice: AlertNotice) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(480)
        appendData(of: notice, at: false, to: &out)
        return out
    }

    /// One notification as the alert lane posts it: its `data` members plus `at`.
    public static func encodeLaneItem(_ notice: AlertNotice) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        appendData(of: notice, at: true, to: &out)
        return out
    }

    /// The body of `POST /api/v1/alerts`.
    public static func encode(_ post: AlertPost) -> [UInt8] {
        var out: [UInt8] = Array(#"{"alerts":["#.utf8)
        for (index, notice) in post.notices.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendData(of: notice, at: true, to: &out)
        }
        out.append(contentsOf: #"],"commands":["#.utf8)
        for (index, command) in post.commands.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendCommand(command, to: &out)
        }
        out.append(contentsOf: #"],"edge":"#.utf8)
        BatchCodec.appendString(post.edge, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// A list of items already encoded by ``encodeLaneItem(_:)`` or ``encodeData(_:)`` (the core
    /// keeps each alert's form and serves lists of them): `[a,b,…]`.
    public static func list(_ items: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(2 + items.reduce(0) { $0 + $1.count + 1 })
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: item)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    private static func appendData(of notice: AlertNotice, at withAt: Bool, to out: inout [UInt8]) {
        let alert = notice.alert
        func member(_ name: StaticString, first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: #"":"#.utf8)
        }
        func string(_ name: StaticString, _ value: String) {
            member(name)
            BatchCodec.appendString(value, to: &out)
        }
        func time(_ name: StaticString, _ millis: Int64?) {
            member(name)
            if let millis { BatchCodec.appendString(RFC3339.format(millis: millis), to: &out) } else { out.append(contentsOf: "null".utf8) }
        }
        func integer(_ name: StaticString, _ value: Int64?) {
            member(name)
            out.append(contentsOf: (value.map { String($0) } ?? "null").utf8)
        }
        func map(_ name: StaticString, _ entries: [String: String]) {
            member(name)
            out.append(UInt8(ascii: "{"))
            for (index, key) in entries.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                BatchCodec.appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                BatchCodec.appendString(entries[key] ?? "", to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "{"))
        member("alert_id", first: true)
        BatchCodec.appendString(alert.id, to: &out)
        map("annotations", alert.annotations)
        if withAt { time("at", notice.atMillis) }
        string("device", alert.device)
        string("edge", alert.edge)
        time("ended_at", alert.endedAtMillis)
        map("labels", alert.labels)
        string("line", alert.line)
        string("notification", notice.kind.rawValue)
        integer("reading_ts", alert.readingTs)
        string("rule", alert.rule)
        string("sensor", alert.sensor)
        integer("seq", alert.seq)
        string("severity", alert.severity)
        string("site", alert.site)
        time("started_at", alert.startedAtMillis)
        string("status", notice.kind.status)
        member("value")
        // The shortest text that reads back as the same Double (as in batches); null when unknown.
        out.append(contentsOf: (alert.value.flatMap { $0.isFinite ? $0.description : nil } ?? "null").utf8)
        out.append(UInt8(ascii: "}"))
    }
}
