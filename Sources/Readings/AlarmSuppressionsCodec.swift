/// The one wire form of ``AlarmSuppressions`` (the core's `GET /api/v1/suppressions?site=`, which
/// the edges poll and keep):
///
/// ```json
/// {"out_of_service":[{"at":"2026-12-07T08:00:00.000Z","by":"kim","comment":"bearing swap","device":"press-07",
///   "line":"line2","site":"seoul"}],
///  "shelves":[{"at":"…","by":"lee","comment":"sensor drifts, replaced Friday","device":"furnace-2","line":"line1",
///   "rule":"furnace-overheat","sensor":"temperature","site":"seoul","until":"2026-12-08T08:00:00.000Z"}],
///  "site":"seoul"}
/// ```
///
/// Members in sorted order, every one every time; times as RFC 3339 with milliseconds in UTC
/// (read back from epoch milliseconds too). Refusals name the member (``AlertDecodingError``).
public enum AlarmSuppressionsCodec {
    /// Most shelves and most out-of-service entries in one document.
    public static let maxEntries = 10_000
    /// Longest comment (why it was shelved or taken out of service).
    public static let maxCommentBytes = 1_000

    public static func encode(_ suppressions: AlarmSuppressions) -> [UInt8] {
        var out: [UInt8] = Array(#"{"out_of_service":["#.utf8)
        for (index, entry) in suppressions.outOfService.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"at":"#.utf8)
            BatchCodec.appendString(RFC3339.format(millis: entry.atMillis), to: &out)
            append(",\"by\":", entry.by, to: &out)
            append(",\"comment\":", entry.comment, to: &out)
            append(",\"device\":", entry.scope.device, to: &out)
            append(",\"line\":", entry.scope.line, to: &out)
            append(",\"site\":", entry.scope.site, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #"],"shelves":["#.utf8)
        for (index, shelf) in suppressions.shelves.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"at":"#.utf8)
            BatchCodec.appendString(RFC3339.format(millis: shelf.atMillis), to: &out)
            append(",\"by\":", shelf.by, to: &out)
            append(",\"comment\":", shelf.comment, to: &out)
            append(",\"device\":", shelf.point.device, to: &out)
            append(",\"line\":", shelf.point.line, to: &out)
            append(",\"rule\":", shelf.point.rule, to: &out)
            append(",\"sensor\":", shelf.point.sensor, to: &out)
            append(",\"site\":", shelf.point.site, to: &out)
            append(",\"until\":", RFC3339.format(millis: shelf.untilMillis), to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #"],"site":"#.utf8)
        BatchCodec.appendString(suppressions.site, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    public static func decode(_ bytes: [UInt8]) throws(AlertDecodingError) -> AlarmSuppressions {
        let result: Result<AlarmSuppressions, AlertDecodingError> = bytes.withUnsafeBytes { raw in
            Result { () throws(AlertDecodingError) in
                var reader = AlertReader(scanner: JSONScanner(raw))
                return try reader.whole { reader in try reader.suppressions() }
            }
        }
        return try result.get()
    }

    private static func append(_ key: StaticString, _ value: String, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        BatchCodec.appendString(value, to: &out)
    }
}

extension AlertReader {
    mutating func suppressions() throws -> AlarmSuppressions {
        guard case .objectStart = try scanner.nextValue() else { throw AlertDecodingError("", "the top level is not an object") }
        var site: String?
        var shelves: [Shelf] = []
        var outOfService: [OutOfService] = []
        var first = true
        while let key = try scanner.nextMember(first: first) {
            first = false
            switch name(key) {
            case "site": site = try string(at: "site", limit: AlertCodec.maxNameBytes)
            case "shelves": try list("shelves") { reader, path in shelves.append(try reader.shelf(path: path)) }
            case "out_of_service": try list("out_of_service") { reader, path in outOfService.append(try reader.outOfService(path: path)) }
            default: try scanner.skipValue(depth: 1)
            }
        }
        guard let site else { throw AlertDecodingError("site", "missing") }
        return AlarmSuppressions(site: site, shelves: shelves, outOfService: outOfService)
    }

    private mutating func list(_ member: String, _ element: (inout AlertReader, String) throws -> Void) throws {
        guard case .arrayStart = try scanner.nextValue() else { throw AlertDecodingError(member, "expected an array") }
        var index = 0
        while try scanner.nextElement(first: index == 0) {
            guard index < AlarmSuppressionsCodec.maxEntries else { throw AlertDecodingError(member, "more than \(AlarmSuppressionsCodec.maxEntries) entries") }
            try element(&self, "\(member)[\(index)].")
            index += 1
        }
    }

    /// The members of one entry object, by name; `required` ones must be there.
    private mutating func entry(path: String, times: Set<String>, required: [String]) throws -> (text: [String: String], times: [String: Int64]) {
        guard case .objectStart = try scanner.nextValue() else { throw AlertDecodingError(String(path.dropLast()), "expected an object") }
        var text: [String: String] = [:]
        var millis: [String: Int64] = [:]
        var first = true
        while let key = try scanner.nextMember(first: first) {
            first = false
            let member = name(key)
            if times.contains(member) {
                millis[member] = try time(at: path + member)
            } else if required.contains(member) {
                text[member] = try string(
                    at: path + member, limit: member == "comment" ? AlarmSuppressionsCodec.maxCommentBytes : AlertCodec.maxNameBytes)
            } else {
                try scanner.skipValue(depth: 1)
            }
        }
        for member in required where text[member] == nil { throw AlertDecodingError(path + member, "missing") }
        for member in times where millis[member] == nil { throw AlertDecodingError(path + member, "missing") }
        guard !(text["site"] ?? "").isEmpty else { throw AlertDecodingError(path + "site", "empty") }
        return (text, millis)
    }

    mutating func shelf(path: String) throws -> Shelf {
        let (text, times) = try entry(
            path: path, times: ["at", "until"], required: ["by", "comment", "device", "line", "rule", "sensor", "site"])
        guard !(text["rule"] ?? "").isEmpty else { throw AlertDecodingError(path + "rule", "empty") }
        return Shelf(
            point: AlarmPoint(rule: text["rule"]!, site: text["site"]!, line: text["line"]!, device: text["device"]!, sensor: text["sensor"]!),
            by: text["by"]!, atMillis: times["at"]!, untilMillis: times["until"]!, comment: text["comment"]!)
    }

    mutating func outOfService(path: String) throws -> OutOfService {
        let (text, times) = try entry(path: path, times: ["at"], required: ["by", "comment", "device", "line", "site"])
        guard text["line"]!.isEmpty == false || text["device"]!.isEmpty else {
            throw AlertDecodingError(path + "device", "a device needs its line")
        }
        return OutOfService(
            scope: ServiceScope(site: text["site"]!, line: text["line"]!, device: text["device"]!), by: text["by"]!,
            atMillis: times["at"]!, comment: text["comment"]!)
    }
}
