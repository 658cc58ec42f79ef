#if canImport(FoundationEssentials)
internal import FoundationEssentials
#else
internal import Foundation
#endif
import Readings

/// A recorded NDJSON file to replay instead of a scenario (`haetae-sim run --replay FILE`).
///
/// Each line is one JSON object, in one of two forms:
/// - a recorded MQTT message, as `mosquitto_sub -F %J` (or `%j`) writes it:
///   `{"tst":"2026-11-24T09:00:00.123Z","topic":"factory/…","payload":…}`; a string payload is
///   sent as its text, any other JSON value byte for byte as it appears in the line. Instead of
///   `tst`, `offset_ms` (milliseconds from the start) may give the timing.
/// - a reading, as `haetae-edge spool dump` writes it:
///   `{"site":…,"line":…,"device":…,"sensor":…,"unit":…,"ts":…,"value":…,"seq":…}`, sent as an
///   object payload to `factory/{site}/{line}/{device}/{sensor}`, timed by its `ts`.
///
/// Blank lines and lines starting with `#` are skipped. Messages are replayed in file order,
/// each at its recorded offset from the first (or at `--rate`).
public struct Recording: Sendable {
    /// One message to publish.
    public struct Message: Sendable, Equatable {
        public var topic: [UInt8]
        public var payload: [UInt8]
        /// Milliseconds after the recording's first timed message; `nil` when the line has no time.
        public var offsetMillis: Int64?
        /// The 1-based line in the file.
        public var line: Int
    }

    /// The file name, for the report.
    public var name: String
    public var messages: [Message]

    /// Milliseconds from the first to the last timed message.
    public var spanMillis: Int64 { messages.compactMap(\.offsetMillis).max() ?? 0 }

    /// Reads and parses a recording; errors name the file and line.
    public static func load(path: String) throws(ScenarioError) -> Recording {
        let (name, data) = try ScenarioError.readFile(path)
        return try parse([UInt8](data), name: name)
    }

    /// Parses NDJSON bytes.
    public static func parse(_ bytes: [UInt8], name: String) throws(ScenarioError) -> Recording {
        var messages: [Message] = []
        var absolute: [Int64?] = []
        var lineNumber = 0
        for rawLine in bytes.split(separator: 10, omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Array(rawLine)
            if line.last == 13 { line.removeLast() }
            let trimmed = line.drop { $0 == 32 || $0 == 9 }
            if trimmed.isEmpty || trimmed.first == UInt8(ascii: "#") { continue }
            let (message, time) = try parseLine(line, number: lineNumber, file: name)
            messages.append(message)
            absolute.append(time)
        }
        guard !messages.isEmpty else { throw ScenarioError(file: name, line: nil, key: "", message: "no messages to replay") }
        // Offsets from the earliest timed message (a recording may be slightly out of order).
        if let first = absolute.compactMap({ $0 }).min() {
            for index in messages.indices {
                messages[index].offsetMillis = absolute[index].map { $0 - first }
            }
        }
        return Recording(name: name, messages: messages)
    }

    /// mosquitto_sub 2.0 writes `tst` as `…803051Z+0000`; older ones `…+0900` without the colon.
    static func normalizedTime(_ text: String) -> String {
        var text = text
        if text.hasSuffix("Z+0000") { text.removeLast(5) }
        let utf8 = Array(text.utf8)
        if utf8.count > 5, utf8[utf8.count - 5] == UInt8(ascii: "+") || utf8[utf8.count - 5] == UInt8(ascii: "-"),
            utf8.suffix(4).allSatisfy({ (48...57).contains($0) }) {
            text.insert(":", at: text.index(text.endIndex, offsetBy: -2))
        }
        return text
    }

    /// Returns the message and its absolute time in milliseconds, if the line has one.
    private static func parseLine(_ line: [UInt8], number: Int, file: String) throws(ScenarioError) -> (Message, Int64?) {
        var scanner = JSONMemberScanner(line)
        let members: [JSONMemberScanner.Member]
        do {
            members = try scanner.members()
        } catch {
            throw ScenarioError(file: file, line: number, key: "", message: "column \(error.column): \(error.message)")
        }
        var fields: [String: ArraySlice<UInt8>] = [:]
        for member in members { fields[member.key] = line[member.value] }
        func string(_ key: String) throws(ScenarioError) -> String? {
            guard let raw = fields[key] else { return nil }
            guard let text = JSONMemberScanner.string(raw) else {
                throw ScenarioError(file: file, line: number, key: key, message: "expected a string")
            }
            return text
        }
        func integer(_ key: String) throws(ScenarioError) -> Int64? {
            guard let raw = fields[key] else { return nil }
            guard let number = Double(String(decoding: raw, as: UTF8.self)), number.isFinite else {
                throw ScenarioError(file: file, line: number, key: key, message: "expected a number")
            }
            return Int64(number)
        }

        if let topic = try string("topic") {
            guard let payload = fields["payload"] else {
                throw ScenarioError(file: file, line: number, key: "payload", message: "missing (a recorded message needs topic and payload)")
            }
            let bytes = JSONMemberScanner.string(payload).map { Array($0.utf8) } ?? Array(payload)
            var time: Int64? = try integer("offset_ms")
            if time == nil, let tst = try string("tst") {
                time = Array(normalizedTime(tst).utf8).withUnsafeBytes { RFC3339.epochMillis($0) }
                if time == nil { throw ScenarioError(file: file, line: number, key: "tst", message: "expected an RFC 3339 time, got \"\(tst.prefix(40))\"") }
            }
            return (Message(topic: Array(topic.utf8), payload: bytes, offsetMillis: nil, line: number), time)
        }
        guard let site = try string("site"), let lineName = try string("line"), let device = try string("device"),
            let sensor = try string("sensor"), let value = fields["value"]
        else {
            throw ScenarioError(
                file: file, line: number, key: "",
                message: "expected a recorded message {\"topic\",\"payload\"} or a reading {\"site\",\"line\",\"device\",\"sensor\",\"ts\",\"value\"}")
        }
        let ts = try integer("ts")
        var payload = Array("{".utf8)
        if let ts { payload += Array("\"ts\":\(ts),".utf8) }
        payload += Array("\"value\":".utf8) + Array(value)
        if let unit = try string("unit"), !unit.isEmpty, let raw = fields["unit"] { payload += Array(",\"unit\":".utf8) + Array(raw) }
        if let seq = fields["seq"] { payload += Array(",\"seq\":".utf8) + Array(seq) }
        payload += Array("}".utf8)
        let topic = "factory/\(site)/\(lineName)/\(device)/\(sensor)"
        return (Message(topic: Array(topic.utf8), payload: payload, offsetMillis: nil, line: number), ts)
    }
}
