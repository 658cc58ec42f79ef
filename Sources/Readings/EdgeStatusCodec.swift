/// The one wire form of an edge's status (``EdgeStatus``): the body of the core's
/// `POST /api/v1/edges/status`, what the core keeps and serves in `GET /api/v1/edges`.
/// Members in sorted order, every one every time (`null` for what is not known):
///
/// ```json
/// {"alert_backlog":0,"at":"2026-12-07T07:29:50.000Z","backlog_drain_seconds":null,"backlog_readings":1200,
///  "edge":"seoul-a","forward_rate":2980.5,"ingest_rate":3001.2,"interval_ms":5000,"mqtt_connected":true,
///  "oldest_unsent_seconds":0.4,"outbox_depth":0,"page_url":"http://10.1.0.20:9100/","rejects":{"not_numeric":3},"role":"active",
///  "rules_error":null,"rules_loaded_at":"2026-12-07T07:00:00.000Z","rules_version":"9f2c44e0a1b3c5d7",
///  "site":"seoul","spool_bytes":5242880,"spool_capacity_bytes":1073741824,"spool_full_seconds":null,
///  "version":"0.1.0 (c39d00a)"}
/// ```
///
/// `page_url` is an `http://` or `https://` address of at most ``maxPageURLBytes`` (the edge's
/// own site page). Rates and seconds are finite and not negative (others are written as `null`); at most
/// ``AlertCodec/maxMapEntries`` reject reasons. Errors name the member as alert errors do
/// (``AlertDecodingError``: `status.interval_ms: expected 100 to 3600000`).
public enum EdgeStatusCodec {
    /// Longest `page_url`.
    public static let maxPageURLBytes = 512

    /// Whether `text` may be a `page_url`: http or https, bounded, no spaces or control characters
    /// (the core's page makes it a link).
    public static func isPageURL(_ text: String) -> Bool {
        guard text.utf8.count <= maxPageURLBytes, text.hasPrefix("http://") || text.hasPrefix("https://") else { return false }
        return !text.utf8.contains { $0 <= 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }
    }

    public static func encode(_ status: EdgeStatus) -> [UInt8] {
        var object = JSONObjectWriter(capacity: 640)
        /// Three decimals are plenty for rates and seconds, and keep the report small; not a
        /// finite number ≥ 0: `null`.
        func number(_ name: String, _ value: Double?) {
            guard let value, value.isFinite, value >= 0 else { return object.raw(name, "null".utf8) }
            object.raw(name, (value < 1e12 ? (value * 1_000).rounded() / 1_000 : value).description.utf8)
        }
        var rejects = JSONObjectWriter()
        for reason in status.rejects.keys.sorted().prefix(AlertCodec.maxMapEntries) {
            rejects.integer(reason, status.rejects[reason] ?? 0)
        }
        object.integer("alert_backlog", status.alertBacklog)
        object.time("at", status.atMillis)
        number("backlog_drain_seconds", status.backlogDrainSeconds)
        object.integer("backlog_readings", status.backlogReadings)
        object.string("edge", status.edge)
        number("forward_rate", status.forwardRate)
        number("ingest_rate", status.ingestRate)
        object.integer("interval_ms", status.intervalMillis)
        object.bool("mqtt_connected", status.mqttConnected)
        number("oldest_unsent_seconds", status.oldestUnsentSeconds)
        object.integer("outbox_depth", status.outboxDepth)
        object.string("page_url", status.pageURL)
        object.raw("rejects", rejects.finished)
        object.string("role", status.role.rawValue)
        object.string("rules_error", status.rulesError.map(AlertCodec.clipped))
        object.time("rules_loaded_at", status.rulesLoadedAtMillis)
        object.string("rules_version", status.rulesVersion)
        object.string("site", status.site)
        object.integer("spool_bytes", status.spoolBytes)
        object.integer("spool_capacity_bytes", status.spoolCapacityBytes)
        number("spool_full_seconds", status.spoolFullInSeconds)
        object.string("version", status.version)
        return object.finished
    }

    /// Reads one status object (``encode(_:)``).
    public static func decode(_ bytes: some Collection<UInt8>) throws(AlertDecodingError) -> EdgeStatus {
        let copy = Array(bytes)
        let result: Result<EdgeStatus, AlertDecodingError> = copy.withUnsafeBytes { raw in
            Result { () throws(AlertDecodingError) in
                var reader = AlertReader(scanner: JSONScanner(raw))
                return try reader.whole { reader in try reader.status(path: "status.") }
            }
        }
        return try result.get()
    }
}

extension AlertReader {
    /// A status object; `path` prefixes the members in errors (`status.`).
    mutating func status(path: String) throws -> EdgeStatus {
        guard case .objectStart = try scanner.nextValue() else { throw AlertDecodingError(String(path.dropLast()), "expected an object") }
        var edge: String?, site: String?, version: String?, role: String?, rulesVersion: String?, rulesError: String?, pageURL: String?
        var at: Int64?, interval: Int64?, rulesLoadedAt: Int64?, connected: Bool?
        var counts: [String: Int64] = [:]
        var rates: [String: Double] = [:]
        var rejects: [String: Int64] = [:]
        var first = true
        while let key = try scanner.nextMember(first: first) {
            first = false
            let member = name(key)
            let memberPath = path + member
            switch member {
            case "edge": edge = try string(at: memberPath, limit: AlertCodec.maxNameBytes)
            case "site": site = try string(at: memberPath, limit: AlertCodec.maxNameBytes)
            case "version": version = try string(at: memberPath, limit: AlertCodec.maxNameBytes)
            case "role": role = try string(at: memberPath, limit: 16)
            case "rules_version": rulesVersion = try string(at: memberPath, limit: 64)
            case "rules_error": rulesError = try optionalString(at: memberPath, limit: AlertCodec.maxTextBytes)
            case "page_url":
                pageURL = try optionalString(at: memberPath, limit: EdgeStatusCodec.maxPageURLBytes)
                if let pageURL, !EdgeStatusCodec.isPageURL(pageURL) {
                    throw AlertDecodingError(memberPath, "expected an http:// or https:// address without spaces")
                }
            case "at": at = try optionalTime(at: memberPath)
            case "rules_loaded_at": rulesLoadedAt = try optionalTime(at: memberPath)
            case "interval_ms": interval = try optionalInteger(at: memberPath)
            case "mqtt_connected":
                guard case .bool(let value) = try scanner.nextValue() else { throw AlertDecodingError(memberPath, "expected true or false") }
                connected = value
            case "alert_backlog", "backlog_readings", "outbox_depth", "spool_bytes", "spool_capacity_bytes":
                guard let value = try optionalInteger(at: memberPath), value >= 0 else { throw AlertDecodingError(memberPath, "expected a whole number ≥ 0") }
                counts[member] = value
            case "backlog_drain_seconds", "forward_rate", "ingest_rate", "oldest_unsent_seconds", "spool_full_seconds":
                if let value = try number(at: memberPath) {
                    guard value >= 0, value <= 1e12 else { throw AlertDecodingError(memberPath, "expected a number from 0 to 1e12 or null") }
                    rates[member] = value
                }
            case "rejects":
                guard case .objectStart = try scanner.nextValue() else { throw AlertDecodingError(memberPath, "expected an object of counts") }
                var firstReason = true
                while let reasonKey = try scanner.nextMember(first: firstReason) {
                    firstReason = false
                    let reason = name(reasonKey)
                    guard bytes.count <= 64 else { throw AlertDecodingError(memberPath, "a reason longer than 64 bytes") }
                    guard rejects.count < AlertCodec.maxMapEntries else { throw AlertDecodingError(memberPath, "more than \(AlertCodec.maxMapEntries) reasons") }
                    guard let count = try optionalInteger(at: "\(memberPath).\(reason)"), count >= 0 else {
                        throw AlertDecodingError("\(memberPath).\(reason)", "expected a whole number ≥ 0")
                    }
                    rejects[reason] = count
                }
            default: try scanner.skipValue(depth: 1)
            }
        }
        func required<T>(_ value: T?, _ member: String) throws(AlertDecodingError) -> T { try Self.required(value, path + member) }
        guard let roleValue = EdgeStatus.Role(rawValue: try required(role, "role")) else {
            throw AlertDecodingError(path + "role", "expected lone, active or standby")
        }
        let intervalValue = try required(interval, "interval_ms")
        guard (100...3_600_000).contains(intervalValue) else { throw AlertDecodingError(path + "interval_ms", "expected 100 to 3600000") }
        let edgeName = try Self.named(edge, path + "edge")
        let siteName = try Self.named(site, path + "site")
        return EdgeStatus(
            edge: edgeName, site: siteName, version: try required(version, "version"), role: roleValue,
            atMillis: try required(at, "at"), intervalMillis: intervalValue, mqttConnected: try required(connected, "mqtt_connected"),
            ingestRate: rates["ingest_rate"] ?? 0, rejects: rejects, spoolBytes: counts["spool_bytes"] ?? 0,
            spoolCapacityBytes: counts["spool_capacity_bytes"] ?? 0, spoolFullInSeconds: rates["spool_full_seconds"],
            backlogReadings: counts["backlog_readings"] ?? 0, backlogDrainSeconds: rates["backlog_drain_seconds"],
            oldestUnsentSeconds: rates["oldest_unsent_seconds"], forwardRate: rates["forward_rate"] ?? 0,
            alertBacklog: counts["alert_backlog"] ?? 0, outboxDepth: counts["outbox_depth"] ?? 0, rulesVersion: rulesVersion ?? "",
            rulesLoadedAtMillis: rulesLoadedAt, rulesError: rulesError, pageURL: pageURL)
    }
}
