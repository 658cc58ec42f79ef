/// The one wire form of an edge's status (``EdgeStatus``): the body of the core's
/// `POST /api/v1/edges/status`, what the core keeps and serves in `GET /api/v1/edges`.
/// Members in sorted order, every one every time (`null` for what is not known):
///
/// ```json
/// {"alert_backlog":0,"at":"2026-12-07T07:29:50.000Z","backlog_drain_seconds":null,"backlog_readings":1200,
///  "edge":"seoul-a","forward_rate":2980.5,"ingest_rate":3001.2,"interval_ms":5000,"mqtt_connected":true,
///  "oldest_unsent_seconds":0.4,"outbox_depth":0,"rejects":{"not_numeric":3},"role":"active",
///  "rules_error":null,"rules_loaded_at":"2026-12-07T07:00:00.000Z","rules_version":"9f2c44e0a1b3c5d7",
///  "site":"seoul","spool_bytes":5242880,"spool_capacity_bytes":1073741824,"spool_full_seconds":null,
///  "version":"0.1.0 (c39d00a)"}
/// ```
///
/// Rates and seconds are finite and not negative (others are written as `null`); at most
/// ``AlertCodec/maxMapEntries`` reject reasons. Errors name the member as alert errors do
/// (``AlertDecodingError``: `status.interval_ms: expected 100 to 3600000`).
public enum EdgeStatusCodec {
    public static func encode(_ status: EdgeStatus) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(640)
        appendStatus(status, to: &out)
        return out
    }

    static func appendStatus(_ status: EdgeStatus, to out: inout [UInt8]) {
        func member(_ name: String, first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            BatchCodec.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
        }
        func integer(_ name: String, _ value: Int64) {
            member(name)
            out.append(contentsOf: String(value).utf8)
        }
        func number(_ name: String, _ value: Double?) {
            member(name)
            if let value, value.isFinite, value >= 0 {
                // Three decimals are plenty for rates and seconds, and keep the post small.
                let kept = value < 1e12 ? (value * 1_000).rounded() / 1_000 : value
                out.append(contentsOf: kept.description.utf8)
            } else {
                out.append(contentsOf: "null".utf8)
            }
        }
        func string(_ name: String, _ value: String?) {
            member(name)
            if let value { BatchCodec.appendString(value, to: &out) } else { out.append(contentsOf: "null".utf8) }
        }
        func time(_ name: String, _ millis: Int64?) {
            string(name, millis.map { RFC3339.format(millis: $0) })
        }
        out.append(UInt8(ascii: "{"))
        member("alert_backlog", first: true)
        out.append(contentsOf: String(status.alertBacklog).utf8)
        time("at", status.atMillis)
        number("backlog_drain_seconds", status.backlogDrainSeconds)
        integer("backlog_readings", status.backlogReadings)
        string("edge", status.edge)
        number("forward_rate", status.forwardRate)
        number("ingest_rate", status.ingestRate)
        integer("interval_ms", status.intervalMillis)
        member("mqtt_connected")
        out.append(contentsOf: (status.mqttConnected ? "true" : "false").utf8)
        number("oldest_unsent_seconds", status.oldestUnsentSeconds)
        integer("outbox_depth", status.outboxDepth)
        member("rejects")
        out.append(UInt8(ascii: "{"))
        for (index, reason) in status.rejects.keys.sorted().prefix(AlertCodec.maxMapEntries).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            BatchCodec.appendString(reason, to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: String(status.rejects[reason] ?? 0).utf8)
        }
        out.append(UInt8(ascii: "}"))
        string("role", status.role.rawValue)
        string("rules_error", status.rulesError.map(AlertCodec.clipped))
        time("rules_loaded_at", status.rulesLoadedAtMillis)
        string("rules_version", status.rulesVersion)
        string("site", status.site)
        integer("spool_bytes", status.spoolBytes)
        integer("spool_capacity_bytes", status.spoolCapacityBytes)
        number("spool_full_seconds", status.spoolFullInSeconds)
        string("version", status.version)
        out.append(UInt8(ascii: "}"))
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
        var edge: String?, site: String?, version: String?, role: String?, rulesVersion: String?, rulesError: String?
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
                    guard value >= 0 else { throw AlertDecodingError(memberPath, "expected a number ≥ 0 or null") }
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
        func required<T>(_ value: T?, _ member: String) throws(AlertDecodingError) -> T {
            guard let value else { throw AlertDecodingError(path + member, "missing") }
            return value
        }
        guard let roleValue = EdgeStatus.Role(rawValue: try required(role, "role")) else {
            throw AlertDecodingError(path + "role", "expected lone, active or standby")
        }
        let intervalValue = try required(interval, "interval_ms")
        guard (100...3_600_000).contains(intervalValue) else { throw AlertDecodingError(path + "interval_ms", "expected 100 to 3600000") }
        let edgeName = try required(edge, "edge")
        guard !edgeName.isEmpty else { throw AlertDecodingError(path + "edge", "empty") }
        let siteName = try required(site, "site")
        guard !siteName.isEmpty else { throw AlertDecodingError(path + "site", "empty") }
        return EdgeStatus(
            edge: edgeName, site: siteName, version: try required(version, "version"), role: roleValue,
            atMillis: try required(at, "at"), intervalMillis: intervalValue, mqttConnected: try required(connected, "mqtt_connected"),
            ingestRate: rates["ingest_rate"] ?? 0, rejects: rejects, spoolBytes: counts["spool_bytes"] ?? 0,
            spoolCapacityBytes: counts["spool_capacity_bytes"] ?? 0, spoolFullInSeconds: rates["spool_full_seconds"],
            backlogReadings: counts["backlog_readings"] ?? 0, backlogDrainSeconds: rates["backlog_drain_seconds"],
            oldestUnsentSeconds: rates["oldest_unsent_seconds"], forwardRate: rates["forward_rate"] ?? 0,
            alertBacklog: counts["alert_backlog"] ?? 0, outboxDepth: counts["outbox_depth"] ?? 0, rulesVersion: rulesVersion ?? "",
            rulesLoadedAtMillis: rulesLoadedAt, rulesError: rulesError)
    }
}
