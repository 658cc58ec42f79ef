/// Finds the top-level members of one JSON object without building it: each key with the byte
/// range of its raw value, so a recorded payload can be replayed byte for byte.
///
/// It checks the structure (quotes, nesting, separators), not number or literal syntax inside
/// values: a recording may hold malformed payloads on purpose, and those are replayed as they are.
struct JSONMemberScanner {
    struct Member {
        var key: String
        var value: Range<Int>
    }

    /// Why a line is not a JSON object, with the 1-based column.
    struct Problem: Error {
        var column: Int
        var message: String
    }

    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The object's members in order.
    mutating func members() throws(Problem) -> [Member] {
        skipSpace()
        try expect(UInt8(ascii: "{"), "expected a JSON object")
        var members: [Member] = []
        skipSpace()
        if peek == UInt8(ascii: "}") {
            index += 1
            return try end(members)
        }
        while true {
            skipSpace()
            guard peek == UInt8(ascii: "\"") else { throw problem("expected a quoted key") }
            let keyRange = try skipString()
            skipSpace()
            try expect(UInt8(ascii: ":"), "expected ':' after a key")
            skipSpace()
            let start = index
            try skipValue(depth: 0)
            members.append(Member(key: Self.decodeString(bytes[keyRange]), value: start..<index))
            skipSpace()
            if peek == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "}"), "expected ',' or '}'")
            return try end(members)
        }
    }

    /// The text of a string value's range (escapes resolved), or nil when it is not a string.
    static func string(_ bytes: ArraySlice<UInt8>) -> String? {
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "\""), bytes.last == UInt8(ascii: "\"") else { return nil }
        return decodeString(bytes.dropFirst().dropLast())
    }

    private static func decodeString(_ body: ArraySlice<UInt8>) -> String {
        guard body.contains(UInt8(ascii: "\\")) else { return String(decoding: body, as: UTF8.self) }
        var out: [UInt8] = []
        var iterator = body.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "\\"), let escaped = iterator.next() else {
                out.append(byte)
                continue
            }
            switch escaped {
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "u"):
                var hex = ""
                for _ in 0..<4 { if let h = iterator.next() { hex.append(Character(UnicodeScalar(h))) } }
                if let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) {
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                }
            default: out.append(escaped)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private func problem(_ message: String) -> Problem { Problem(column: index + 1, message: message) }

    private mutating func end(_ members: [Member]) throws(Problem) -> [Member] {
        skipSpace()
        guard index == bytes.count else { throw problem("unexpected text after the object") }
        return members
    }

    private mutating func expect(_ byte: UInt8, _ message: String) throws(Problem) {
        guard peek == byte else { throw problem(message) }
        index += 1
    }

    private mutating func skipSpace() {
        while let byte = peek, byte == 32 || byte == 9 || byte == 13 || byte == 10 { index += 1 }
    }

    /// Skips a string at `index`; returns the range of its body (without quotes).
    private mutating func skipString() throws(Problem) -> Range<Int> {
        let start = index
        index += 1
        while let byte = peek {
            index += 1
            if byte == UInt8(ascii: "\\") {
                index += 1
            } else if byte == UInt8(ascii: "\"") {
                return (start + 1)..<(index - 1)
            }
        }
        index = start
        throw problem("unterminated string")
    }

    private mutating func skipValue(depth: Int) throws(Problem) {
        guard depth < 64 else { throw problem("nested too deeply") }
        switch peek {
        case UInt8(ascii: "\""):
            _ = try skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = peek == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            index += 1
            skipSpace()
            if peek == close {
                index += 1
                return
            }
            while true {
                skipSpace()
                if close == UInt8(ascii: "}") {
                    guard peek == UInt8(ascii: "\"") else { throw problem("expected a quoted key") }
                    _ = try skipString()
                    skipSpace()
                    try expect(UInt8(ascii: ":"), "expected ':' after a key")
                    skipSpace()
                }
                try skipValue(depth: depth + 1)
                skipSpace()
                if peek == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                try expect(close, close == UInt8(ascii: "}") ? "expected ',' or '}'" : "expected ',' or ']'")
                return
            }
        case nil:
            throw problem("expected a value")
        default:
            // A number or literal: up to the next separator.
            let start = index
            while let byte = peek, byte != UInt8(ascii: ","), byte != UInt8(ascii: "}"), byte != UInt8(ascii: "]"),
                byte != 32, byte != 9, byte != 13, byte != 10 {
                index += 1
            }
            if index == start { throw problem("expected a value") }
        }
    }
}
