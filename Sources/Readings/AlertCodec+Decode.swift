extension AlertCodec {
    /// Reads a webhook body (``encode(_:)-(AlertNotice)``).
    public static func decodeNotice(_ bytes: some Collection<UInt8>) throws(AlertDecodingError) -> AlertNotice {
        try withRaw(bytes) { raw throws(AlertDecodingError) in
            var reader = AlertReader(scanner: JSONScanner(raw))
            return try reader.whole { reader in try reader.webhookBody() }
        }
    }

    /// Reads one alert lane item (``encodeLaneItem(_:)``), as the core keeps it.
    public static func decodeLaneItem(_ bytes: some Collection<UInt8>) throws(AlertDecodingError) -> AlertNotice {
        try withRaw(bytes) { raw throws(AlertDecodingError) in
            var reader = AlertReader(scanner: JSONScanner(raw))
            return try reader.whole { reader in try reader.notice(path: "", envelopeTime: nil) }
        }
    }

    /// Reads a `POST /api/v1/alerts` body. Every item is checked; the first wrong one is the error.
    /// Unknown members are skipped (a newer edge may send more); `commands` may be absent (an
    /// older edge).
    /// - Parameter maxAlerts: most items accepted, alerts and commands together; decoding stops
    ///   at the first one past it.
    public static func decodePost(_ bytes: some Collection<UInt8>, maxAlerts: Int = 10_000) throws(AlertDecodingError) -> AlertPost {
        try withRaw(bytes) { raw throws(AlertDecodingError) in
            var reader = AlertReader(scanner: JSONScanner(raw))
            return try reader.whole { reader in try reader.post(maxAlerts: max(0, maxAlerts)) }
        }
    }

    private static func withRaw<T>(
        _ bytes: some Collection<UInt8>, _ body: (UnsafeRawBufferPointer) throws(AlertDecodingError) -> T
    ) throws(AlertDecodingError) -> T {
        let result: Result<T, AlertDecodingError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(AlertDecodingError) in try body(UnsafeRawBufferPointer(buffer)) }
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        let copied: Result<T, AlertDecodingError> = copy.withUnsafeBytes { raw in
            Result { () throws(AlertDecodingError) in try body(raw) }
        }
        return try copied.get()
    }
}

/// Walks an alert body member by member with the validating ``JSONScanner``.
struct AlertReader {
    var scanner: JSONScanner
    var bytes: [UInt8] = []

    /// Runs `body` over the whole input: scanner errors become "not JSON", and nothing may follow.
    mutating func whole<T>(_ body: (inout AlertReader) throws -> T) throws(AlertDecodingError) -> T {
        do {
            let value = try body(&self)
            try scanner.expectEnd()
            return value
        } catch let error as AlertDecodingError {
            throw error
        } catch {
            throw AlertDecodingError("", "not JSON")
        }
    }

    mutating func webhookBody() throws -> AlertNotice {
        guard case .objectStart = try scanner.nextValue() else { throw AlertDecodingError("", "the top level is not an object") }
        var notice: AlertNotice?
        var timestamp: Int64?
        var type: String?
        var first = true
        while let key = try scanner.nextMember(first: first) {
            first = false
            switch name(key) {
            case "data": notice = try self.notice(path: "data.", envelopeTime: 0)
            case "timestamp": timestamp = try time(at: "timestamp")
            case "type": type = try string(at: "type", limit: 64)
            default: try scanner.skipValue(depth: 1)
            }
        }
        guard var notice else { throw AlertDecodingError("data", "missing") }
        guard let timestamp else { throw AlertDecodingError("timestamp", "missing") }
        guard type == notice.kind.webhookType else {
            throw AlertDecodingError("type", "\(type ?? "missing") does not match notification \(notice.kind.rawValue)")
        }
        notice.atMillis = timestamp
        return notice
    }

    mutating func post(maxAlerts: Int) throws -> AlertPost {
        guard case .objectStart = try scanner.nextValue() else { throw AlertDecodingError("", "the top level is not an object") }
        var edge: String?
        var notices: [AlertNotice]?
        var commands: [CommandAttempt] = []
        var items = 0
        var first = true
        while let key = try scanner.nextMember(first: first) {
            first = false
            switch name(key) {
            case "edge": edge = try string(at: "edge", limit: AlertCodec.maxNameBytes)
            case "alerts":
                guard case .arrayStart = try scanner.nextValue() else { throw AlertDecodingError("alerts", "expected an array") }
                var list: [AlertNotice] = []
                var index = 0
                while try scanner.nextElement(first: index == 0) {
                    guard items < maxAlerts else { throw AlertDecodingError("alerts", "more than \(maxAlerts) alerts and commands") }
                    list.append(try notice(path: "alerts[\(index)].", envelopeTime: nil))
                    index += 1
                    items += 1
                }
                notices = list
            case "commands":
                guard case .arrayStart = try scanner.nextValue() else { throw AlertDecodingError("commands", "expected an array") }
                var index = 0
                while try scanner.nextElement(first: index == 0) {
                    guard items < maxAlerts else { throw AlertDecodingError("commands", "more than \(maxAlerts) alerts and commands") }
                    commands.append(try command(path: "commands[\(index)]."))
                    index += 1
                    items += 1
                }
            default: try scanner.skipValue(depth: 1)
            }
        }
        guard let edge else { throw AlertDecodingError("edge", "missing") }
        guard let notices else { throw AlertDecodingError("alerts", "missing") }
        return AlertPost(edge: edge, notices: notices, commands: commands)
    }

    /// An alert object (`data`, or a lane item with `at`). `envelopeTime` is non-nil for a webhook's
    /// `data`, whose time is the envelope's `timestamp` (the caller sets it); a lane item needs `at`.
    mutating func notice(path: String, envelopeTime: Int64?) throws -> AlertNotice {
        guard case .objectStart = try scanner.nextValue() else { throw AlertDecodingError(String(path.dropLast()), "expected an object") }
        var id: String?, rule: String?, severity: String?, status: String?, notification: String?
        var site: String?, line: String?, device: String?, sensor: String?, edge: String?
        var value: Double?, started: Int64?, ended: Int64?, at: Int64?, readingTs: Int64?, seq: Int64?
        var labels: [String: String] = [:], annotations: [String: String] = [:]
        var first = true
        while let key = try scanner.nextMember(first: first) {
            first = false
            let member = name(key)
            let memberPath = path + member
            switch member {
            case "alert_id": id = try string(at: memberPath, limit: AlertCodec.maxNameBytes)
            case "rule": rule = try string(at: memberPath, limit: AlertCodec.maxNameBytes)
            case "severity": severity = try string(at: memberPath, limit: AlertCodec.maxNameBytes)
            case "status": status = try string(at: memberPath, limit: 16)
            case "notification": notification = try optionalString(at: memberPath, limit: 16)
            case "site": site = try string(at: memberPath, limit: AlertCodec.maxNameBytes)
            case "line": line = try string(at: memberPath, limit: AlertCodec.maxNameBytes)
            case "device": device = try string(at: memberPath, limit: AlertCodec.maxNameBytes)
            case "sensor": sensor = try optionalString(at: memberPath, limit: AlertCodec.maxNameBytes)
            case "edge": edge = try optionalString(at: memberPath, limit: AlertCodec.maxNameBytes)
            case "value": value = try number(at: memberPath)
            case "started_at": started = try time(at: memberPath)
            case "ended_at": ended = try optionalTime(at: memberPath)
            case "at": at = try optionalTime(at: memberPath)
            case "reading_ts": readingTs = try optionalInteger(at: memberPath)
            case "seq": seq = try optionalInteger(at: memberPath)
            case "labels": labels = try map(at: memberPath)
            case "annotations": annotations = try map(at: memberPath)
            default: try scanner.skipValue(depth: 1)
            }
        }
        func required<T>(_ value: T?, _ member: String) throws(AlertDecodingError) -> T { try Self.required(value, path + member) }
        func named(_ value: String?, _ member: String) throws(AlertDecodingError) -> String { try Self.named(value, path + member) }
        let statusText = try required(status, "status")
        guard statusText == "firing" || statusText == "resolved" else { throw AlertDecodingError(path + "status", "expected firing or resolved") }
        guard let kind = AlertKind(rawValue: notification ?? statusText) else {
            throw AlertDecodingError(path + "notification", "expected firing, repeat or resolved")
        }
        guard kind.status == statusText else {
            throw AlertDecodingError(path + "notification", "\(kind.rawValue) does not go with status \(statusText)")
        }
        let alert = Alert(
            id: try named(id, "alert_id"), rule: try named(rule, "rule"), severity: try named(severity, "severity"),
            site: try named(site, "site"), line: try required(line, "line"), device: try required(device, "device"),
            sensor: sensor ?? "", value: value, startedAtMillis: try required(started, "started_at"), endedAtMillis: ended,
            labels: labels, annotations: annotations, edge: edge ?? "", readingTs: readingTs, seq: seq)
        let atMillis: Int64
        if let envelopeTime {
            atMillis = envelopeTime
        } else {
            atMillis = at ?? ended ?? alert.startedAtMillis
        }
        return AlertNotice(kind: kind, atMillis: atMillis, alert: alert)
    }

    // MARK: Values

    /// A member that must be there (`path`: where, for the error).
    static func required<T>(_ value: T?, _ path: String) throws(AlertDecodingError) -> T {
        guard let value else { throw AlertDecodingError(path, "missing") }
        return value
    }

    /// A name that must be there and not be empty.
    static func named(_ value: String?, _ path: String) throws(AlertDecodingError) -> String {
        let text = try required(value, path)
        guard !text.isEmpty else { throw AlertDecodingError(path, "empty") }
        return text
    }

    mutating func name(_ token: JSONStringToken) -> String {
        bytes.removeAll(keepingCapacity: true)
        scanner.decodeString(token, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func string(at path: String, limit: Int) throws -> String {
        guard case .string(let token) = try scanner.nextValue() else { throw AlertDecodingError(path, "expected a string") }
        let text = name(token)
        guard bytes.count <= limit else { throw AlertDecodingError(path, "longer than \(limit) bytes") }
        return text
    }

    mutating func optionalString(at path: String, limit: Int) throws -> String? {
        let start = scanner.position
        if case .null = try scanner.nextValue() { return nil }
        scanner.position = start
        return try string(at: path, limit: limit)
    }

    mutating func number(at path: String) throws -> Double? {
        switch try scanner.nextValue() {
        case .null: return nil
        case .number(let token):
            let value = NumberParsing.double(UnsafeRawBufferPointer(rebasing: scanner.bytes[token.range]))
            guard value.isFinite else { throw AlertDecodingError(path, "expected a finite number or null") }
            return value
        default: throw AlertDecodingError(path, "expected a number or null")
        }
    }

    mutating func optionalInteger(at path: String) throws -> Int64? {
        switch try scanner.nextValue() {
        case .null: return nil
        case .number(let token):
            guard token.isInteger, let value = NumberParsing.int64(UnsafeRawBufferPointer(rebasing: scanner.bytes[token.range])) else {
                throw AlertDecodingError(path, "expected a whole number or null")
            }
            return value
        default: throw AlertDecodingError(path, "expected a whole number or null")
        }
    }

    /// An RFC 3339 time, or whole epoch milliseconds, in 1970…9999.
    mutating func time(at path: String) throws -> Int64 {
        guard let millis = try optionalTime(at: path) else { throw AlertDecodingError(path, "expected a time, not null") }
        return millis
    }

    mutating func optionalTime(at path: String) throws -> Int64? {
        let problem = AlertDecodingError(path, "expected an RFC 3339 time or epoch ms between 1970 and 9999")
        switch try scanner.nextValue() {
        case .null: return nil
        case .string(let token):
            _ = name(token)
            guard let millis = bytes.withUnsafeBytes({ RFC3339.epochMillis($0) }) else { throw problem }
            return millis
        case .number(let token):
            guard token.isInteger, let millis = NumberParsing.int64(UnsafeRawBufferPointer(rebasing: scanner.bytes[token.range])),
                millis >= 0, millis < RFC3339.endOfYear9999Millis
            else { throw problem }
            return millis
        default: throw problem
        }
    }

    /// An object of strings (labels, annotations), bounded in entries and sizes.
    mutating func map(at path: String) throws -> [String: String] {
        switch try scanner.nextValue() {
        case .null: return [:]
        case .objectStart: break
        default: throw AlertDecodingError(path, "expected an object of strings")
        }
        var out: [String: String] = [:]
        var first = true
        while let key = try scanner.nextMember(first: first) {
            first = false
            let entry = name(key)
            guard bytes.count <= AlertCodec.maxNameBytes else { throw AlertDecodingError(path, "a key longer than \(AlertCodec.maxNameBytes) bytes") }
            guard out.count < AlertCodec.maxMapEntries else { throw AlertDecodingError(path, "more than \(AlertCodec.maxMapEntries) entries") }
            out[entry] = try string(at: "\(path).\(entry.prefix(64))", limit: AlertCodec.maxTextBytes)
        }
        return out
    }
}
