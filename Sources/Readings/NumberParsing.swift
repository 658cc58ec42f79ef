#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts validated JSON number tokens without building a `String`.
enum NumberParsing {
    /// Powers of ten that a `Double` holds exactly.
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The correctly rounded value of a number token (±infinity when it overflows).
    ///
    /// Most sensor values (`71.25`, `-3`, `1732400000123`) have at most 15 significant digits
    /// and a small exponent: then mantissa and power of ten are exact doubles and one IEEE
    /// multiplication or division rounds correctly (Clinger's fast path). Everything else is
    /// copied to a stack buffer and handed to `strtod`, which rounds correctly. (`strtod` reads
    /// the C locale's decimal point; Swift processes do not call `setlocale`, so that is `.`.)
    static func double(_ bytes: UnsafeRawBufferPointer) -> Double {
        var index = 0
        let negative = bytes[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        var mantissa: UInt64 = 0
        var exponent = 0
        var exact = true
        var inFraction = false
        scan: while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if mantissa >= 1 << 53 / 10 { exact = false; break scan }
                mantissa = mantissa * 10 + UInt64(byte &- UInt8(ascii: "0"))
                if inFraction { exponent -= 1 }
            case UInt8(ascii: "."):
                inFraction = true
            default:  // `e` or `E`
                var exponentIndex = index + 1
                var exponentNegative = false
                if bytes[exponentIndex] == UInt8(ascii: "-") || bytes[exponentIndex] == UInt8(ascii: "+") {
                    exponentNegative = bytes[exponentIndex] == UInt8(ascii: "-")
                    exponentIndex += 1
                }
                var explicit = 0
                while exponentIndex < bytes.count {
                    explicit = explicit * 10 + Int(bytes[exponentIndex] &- UInt8(ascii: "0"))
                    if explicit > 400 { exact = false; break scan }
                    exponentIndex += 1
                }
                exponent += exponentNegative ? -explicit : explicit
                break scan
            }
            index += 1
        }
        if exact && exponent >= -22 && exponent <= 22 {
            let magnitude = Double(mantissa)
            let value = exponent >= 0 ? magnitude * exactPowersOfTen[exponent] : magnitude / exactPowersOfTen[-exponent]
            return negative ? -value : value
        }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { buffer in
            for offset in 0..<bytes.count { buffer[offset] = CChar(bitPattern: bytes[offset]) }
            buffer[bytes.count] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }

    /// The value of an integer token, or `nil` when it does not fit an `Int64`.
    static func int64(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        var index = 0
        let negative = bytes[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        var value: Int64 = 0
        while index < bytes.count {
            let digit = Int64(bytes[index] &- UInt8(ascii: "0"))
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            value = sum
            index += 1
        }
        return value
    }
}
