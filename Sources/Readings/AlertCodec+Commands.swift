extension AlertCodec {
    /// One stop-command record (``CommandAttempt``), as the alert lane posts it in `commands`
    /// and the edge lists it at `GET /api/v1/commands`:
    ///
    /// ```json
    /// {"alert_id":"55e4872b2f373195","at":"2026-12-07T07:29:48.517Z","attempt":1,"device":"press-03","line":"line1",
    ///  "payload":"{\"cmd\":\"stop\"}","qos":1,"result":"sent","rule":"overheat","site":"seoul",
    ///  "topic":"factory/seoul/line1/press-03/cmd"}
    /// ```
    ///
    /// `topic`, `payload` and `result` longer than ``maxTextBytes`` are cut there (at a character
    /// boundary, ending in `…`): a rule may publish any payload, the audit log keeps its start.
    public static func encodeCommand(_ command: CommandAttempt) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + command.topic.utf8.count + command.payload.utf8.count + command.result.utf8.count)
        appendCommand(command, to: &out)
        return out
    }

    /// `{"commands":[…]}`, for the edge's `GET /api/v1/commands`.
    public static func encodeCommandList(_ commands: [CommandAttempt]) -> [UInt8] {
        var out: [UInt8] = Array(#"{"commands":["#.utf8)
        for (index, command) in commands.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendCommand(command, to: &out)
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    static func appendCommand(_ command: CommandAttempt, to out: inout [UInt8]) {
        var object = JSONObjectWriter(capacity: 256 + command.topic.utf8.count + command.payload.utf8.count)
        object.string("alert_id", command.alertID)
        object.time("at", command.atMillis)
        object.integer("attempt", Int64(command.attempt))
        object.string("device", command.device)
        object.string("line", command.line)
        object.string("payload", clipped(command.payload))
        object.integer("qos", Int64(command.qos))
        object.string("result", clipped(command.result))
        object.string("rule", command.rule)
        object.string("site", command.site)
        object.string("topic", clipped(command.topic))
        out.append(contentsOf: object.finished)
    }

    /// `text` within ``maxTextBytes``: cut at a character boundary and ended with `…` when longer.
    static func clipped(_ text: String) -> String {
        guard text.utf8.count > maxTextBytes else { return text }
        var kept = ""
        var bytes = 0
        let room = maxTextBytes - 3  // "…" is three bytes
        for character in text {
            let size = character.utf8.count
            guard bytes + size <= room else { break }
            kept.append(character)
            bytes += size
        }
        return kept + "…"
    }
}

extension AlertReader {
    /// One item of a post's `commands`.
    mutating func command(path: String) throws -> CommandAttempt {
        guard case .objectStart = try scanner.nextValue() else { throw AlertDecodingError(String(path.dropLast()), "expected an object") }
        var alertID: String?, rule: String?, site: String?, line: String?, device: String?
        var topic: String?, payload: String?, result: String?
        var qos: Int64?, attempt: Int64?, at: Int64?
        var first = true
        while let key = try scanner.nextMember(first: first) {
            first = false
            let member = name(key)
            let memberPath = path + member
            switch member {
            case "alert_id": alertID = try string(at: memberPath, limit: AlertCodec.maxNameBytes)
            case "rule": rule = try string(at: memberPath, limit: AlertCodec.maxNameBytes)
            case "site": site = try string(at: memberPath, limit: AlertCodec.maxNameBytes)
            case "line": line = try string(at: memberPath, limit: AlertCodec.maxNameBytes)
            case "device": device = try string(at: memberPath, limit: AlertCodec.maxNameBytes)
            case "topic": topic = try string(at: memberPath, limit: AlertCodec.maxTextBytes)
            case "payload": payload = try string(at: memberPath, limit: AlertCodec.maxTextBytes)
            case "result": result = try string(at: memberPath, limit: AlertCodec.maxTextBytes)
            case "qos": qos = try optionalInteger(at: memberPath)
            case "attempt": attempt = try optionalInteger(at: memberPath)
            case "at": at = try optionalTime(at: memberPath)
            default: try scanner.skipValue(depth: 1)
            }
        }
        func required<T>(_ value: T?, _ member: String) throws(AlertDecodingError) -> T { try Self.required(value, path + member) }
        func named(_ value: String?, _ member: String) throws(AlertDecodingError) -> String { try Self.named(value, path + member) }
        let qosValue = try required(qos, "qos")
        guard (0...2).contains(qosValue) else { throw AlertDecodingError(path + "qos", "expected 0, 1 or 2") }
        let attemptValue = try required(attempt, "attempt")
        guard (0...1_000_000).contains(attemptValue) else { throw AlertDecodingError(path + "attempt", "expected 0 to 1000000") }
        return CommandAttempt(
            alertID: try named(alertID, "alert_id"), rule: try named(rule, "rule"), site: try named(site, "site"),
            line: try required(line, "line"), device: try required(device, "device"), topic: try required(topic, "topic"),
            payload: try required(payload, "payload"), qos: Int(qosValue), attempt: Int(attemptValue), atMillis: try required(at, "at"),
            result: try named(result, "result"))
    }
}
