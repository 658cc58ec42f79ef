extension JSONScanner {
    /// Appends the unescaped UTF-8 of a string token that ``scanString()`` already validated.
    func decodeString(_ token: JSONStringToken, into out: inout [UInt8]) {
        guard token.hasEscapes else {
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[token.range]))
            return
        }
        var index = token.range.lowerBound
        while index < token.range.upperBound {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                index += 1
                continue
            }
            let kind = bytes[index + 1]
            index += 2
            switch kind {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                // Validated already, so the digits and any surrogate pair are well-formed.
                var scalar = (try? hex4(at: index)) ?? 0xFFFD
                index += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    let low = (try? hex4(at: index + 2)) ?? 0xDC00
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                Self.appendUTF8(scalar, to: &out)
            default: out.append(kind)  // `"`, `\`, `/`
            }
        }
    }

    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case ..<0x80:
            out.append(UInt8(scalar))
        case ..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Whether a string token is exactly the ASCII `word`; escaped keys such as `"v\u0061lue"`
    /// are compared by the caller after decoding.
    func isRaw(_ token: JSONStringToken, _ word: StaticString) -> Bool {
        !token.hasEscapes && Self.equals(UnsafeRawBufferPointer(rebasing: bytes[token.range]), word, ignoringCase: false)
    }
}
