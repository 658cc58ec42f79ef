extension JSONScanner {
    /// Scans a string starting at its opening quote.
    mutating func scanString() throws(JSONScanError) -> JSONStringToken {
        position += 1
        let start = position
        var hasEscapes = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                defer { position += 1 }
                return JSONStringToken(range: start..<position, hasEscapes: hasEscapes)
            } else if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                try scanEscape()
            } else if byte < 0x20 {
                throw .badJSON  // raw control characters must be escaped
            } else if byte < 0x80 {
                position += 1
            } else if let length = UTF8Check.sequenceLength(bytes, at: position) {
                position += length
            } else {
                throw .badJSON
            }
        }
        throw .badJSON  // unterminated
    }

    /// Scans one escape starting at its backslash; a surrogate pair counts as one escape.
    private mutating func scanEscape() throws(JSONScanError) {
        guard position + 1 < bytes.count else { throw .badJSON }
        switch bytes[position + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"),
             UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "u"):
            let unit = try hex4(at: position + 2)
            position += 6
            if (0xDC00...0xDFFF).contains(unit) { throw .badJSON }  // lone low surrogate
            if (0xD800...0xDBFF).contains(unit) {
                // A high surrogate is only text together with a following low one.
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                      bytes[position + 1] == UInt8(ascii: "u"),
                      (0xDC00...0xDFFF).contains(try hex4(at: position + 2))
                else { throw .badJSON }
                position += 6
            }
        default:
            throw .badJSON
        }
    }

    /// The value of four hex digits at `index`.
    func hex4(at index: Int) throws(JSONScanError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw .badJSON }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = bytes[index + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default: throw .badJSON
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Scans a number starting at `-` or a digit, checking the RFC 8259 grammar
    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    mutating func scanNumber() throws(JSONScanError) -> JSONNumberToken {
        let start = position
        if bytes[position] == UInt8(ascii: "-") {
            position += 1
            if position < bytes.count, Self.isLetter(bytes[position]) {
                try scanWord(signed: true)  // `-Infinity`, `-nan`: always throws
            }
        }
        guard position < bytes.count else { throw .badJSON }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, Self.isDigit(bytes[position]) { throw .badJSON }  // `01`
        } else if Self.isDigit(bytes[position]) {
            skipDigits()
        } else {
            throw .badJSON
        }
        var isInteger = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard skipDigits() else { throw .badJSON }
            isInteger = false
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard skipDigits() else { throw .badJSON }
            isInteger = false
        }
        return JSONNumberToken(range: start..<position, isInteger: isInteger)
    }

    /// Skips `[0-9]*`; true if at least one digit was there.
    @discardableResult
    private mutating func skipDigits() -> Bool {
        let start = position
        while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
        return position > start
    }

    /// Scans a bare word: `true`, `false`, `null`, or — recognised so that they are counted as
    /// `non_finite` rather than `bad_json` — `NaN`, `Infinity`, `inf` in any letter case.
    @discardableResult
    mutating func scanWord(signed: Bool) throws(JSONScanError) -> JSONValueStart {
        let start = position
        while position < bytes.count, Self.isLetter(bytes[position]) { position += 1 }
        let word = UnsafeRawBufferPointer(rebasing: bytes[start..<position])
        if !signed {
            if Self.equals(word, "true", ignoringCase: false) { return .bool(true) }
            if Self.equals(word, "false", ignoringCase: false) { return .bool(false) }
            if Self.equals(word, "null", ignoringCase: false) { return .null }
        }
        if Self.equals(word, "nan", ignoringCase: true) || Self.equals(word, "inf", ignoringCase: true)
            || Self.equals(word, "infinity", ignoringCase: true) {
            throw .nonFinite
        }
        throw .badJSON
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    @inline(__always)
    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- UInt8(ascii: "a") < 26 }

    /// Compares raw bytes with an ASCII word (lower case when `ignoringCase`).
    static func equals(_ bytes: UnsafeRawBufferPointer, _ word: StaticString, ignoringCase: Bool) -> Bool {
        guard bytes.count == word.utf8CodeUnitCount else { return false }
        let mask: UInt8 = ignoringCase ? 0x20 : 0
        let expected = word.utf8Start
        for index in 0..<bytes.count where bytes[index] | mask != expected[index] { return false }
        return true
    }
}
