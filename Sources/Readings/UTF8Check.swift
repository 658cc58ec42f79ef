/// Strict UTF-8 validation over raw bytes (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF).
///
/// Series names end up in Swift `String`s and in batch JSON; validating here means that bytes
/// which `String(decoding:)` would repair can never make two different keys print the same.
enum UTF8Check {
    /// The length of the valid multi-byte sequence starting at `index` (whose byte is ≥ 0x80),
    /// or `nil` when it is malformed or truncated.
    @inline(__always)
    static func sequenceLength(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int? {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF  // allowed range of the second byte
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard index + length <= bytes.count else { return nil }
        let second = bytes[index + 1]
        guard second >= low && second <= high else { return nil }
        for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 { return nil }
        return length
    }

    /// Whether all of `bytes` is well-formed UTF-8; ASCII costs one comparison per byte.
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        while index < bytes.count {
            if bytes[index] < 0x80 {
                index += 1
            } else if let length = sequenceLength(bytes, at: index) {
                index += length
            } else {
                return false
            }
        }
        return true
    }
}
