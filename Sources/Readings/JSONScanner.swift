/// Why the scanner stopped: the payload is not JSON, or it used a non-finite token
/// (`NaN`, `Infinity`, `inf`, …) that some senders emit where a number belongs.
enum JSONScanError: Error, Equatable {
    case badJSON
    case nonFinite
}

/// A string token: the bytes between the quotes, still escaped when `hasEscapes`.
struct JSONStringToken {
    var range: Range<Int>
    var hasEscapes: Bool
}

/// A number token whose grammar (RFC 8259 §6) has been checked; `isInteger` when it has
/// neither a fraction nor an exponent.
struct JSONNumberToken {
    var range: Range<Int>
    var isInteger: Bool
}

/// The start of a JSON value: scalars are consumed whole, containers only their bracket.
enum JSONValueStart {
    case objectStart
    case arrayStart
    case string(JSONStringToken)
    case number(JSONNumberToken)
    case bool(Bool)
    case null
}

/// A validating pull scanner over raw bytes: it never copies or allocates, and rejects
/// everything RFC 8259 rejects (leading zeros, trailing commas, bad escapes, lone surrogates,
/// raw control characters, invalid UTF-8), plus nesting deeper than ``maxDepth``.
///
/// The caller walks the structure it cares about with ``nextValue()``, ``nextMember(first:)``
/// and ``nextElement(first:)``, and skips the rest with ``skipValue(depth:)``; recursion is
/// bounded by ``maxDepth``, so hostile input cannot exhaust the receive thread's stack.
struct JSONScanner {
    /// Containers may nest this deep; one more is `bad_json`.
    static let maxDepth = 16

    let bytes: UnsafeRawBufferPointer
    var position = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { position >= bytes.count }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// Succeeds only if nothing but whitespace is left.
    mutating func expectEnd() throws(JSONScanError) {
        skipWhitespace()
        guard isAtEnd else { throw .badJSON }
    }

    /// Reads the start of the next value (after whitespace).
    mutating func nextValue() throws(JSONScanError) -> JSONValueStart {
        skipWhitespace()
        guard position < bytes.count else { throw .badJSON }
        switch bytes[position] {
        case UInt8(ascii: "{"): position += 1; return .objectStart
        case UInt8(ascii: "["): position += 1; return .arrayStart
        case UInt8(ascii: "\""): return .string(try scanString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try scanNumber())
        case UInt8(ascii: "+"):
            position += 1
            try scanWord(signed: true)
            throw .badJSON  // `+1`: JSON has no plus sign
        default:
            return try scanWord(signed: false)
        }
    }

    /// Inside an object: the next member's key (its `:` consumed), or `nil` at `}`.
    /// - Parameter first: true right after `{`, where `}` may follow directly.
    mutating func nextMember(first: Bool) throws(JSONScanError) -> JSONStringToken? {
        skipWhitespace()
        guard position < bytes.count else { throw .badJSON }
        if bytes[position] == UInt8(ascii: "}") {
            position += 1
            return nil
        }
        if !first {
            guard bytes[position] == UInt8(ascii: ",") else { throw .badJSON }
            position += 1
            skipWhitespace()
            guard position < bytes.count else { throw .badJSON }
        }
        guard bytes[position] == UInt8(ascii: "\"") else { throw .badJSON }
        let key = try scanString()
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw .badJSON }
        position += 1
        return key
    }

    /// Inside an array: true when another element follows (its `,` consumed), false at `]`.
    mutating func nextElement(first: Bool) throws(JSONScanError) -> Bool {
        skipWhitespace()
        guard position < bytes.count else { throw .badJSON }
        if bytes[position] == UInt8(ascii: "]") {
            position += 1
            return false
        }
        if !first {
            guard bytes[position] == UInt8(ascii: ",") else { throw .badJSON }
            position += 1
        }
        return true  // a `]` right after `,` fails in nextValue: no trailing commas
    }

    /// Validates and skips one whole value.
    /// - Parameter depth: the depth of the container holding the value (0 at top level).
    mutating func skipValue(depth: Int) throws(JSONScanError) {
        try skip(try nextValue(), depth: depth)
    }

    /// Skips the rest of a value whose start was already read.
    mutating func skip(_ start: JSONValueStart, depth: Int) throws(JSONScanError) {
        switch start {
        case .objectStart:
            guard depth < Self.maxDepth else { throw .badJSON }
            var first = true
            while try nextMember(first: first) != nil {
                first = false
                try skipValue(depth: depth + 1)
            }
        case .arrayStart:
            guard depth < Self.maxDepth else { throw .badJSON }
            var first = true
            while try nextElement(first: first) {
                first = false
                try skipValue(depth: depth + 1)
            }
        case .string, .number, .bool, .null:
            break
        }
    }
}
