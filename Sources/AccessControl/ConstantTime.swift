/// Comparing secrets without telling an attacker, through the time it takes, how much matched.
public enum ConstantTime {
    /// Whether `a` and `b` are equal, taking time that depends only on the longer length: every
    /// byte is compared (a length difference counts as a difference, not as an early exit).
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt(bitPattern: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= UInt(x ^ y)
        }
        return difference == 0
    }

    /// ``equals(_:_:)`` on the UTF-8 bytes of two strings.
    public static func equals(_ a: String, _ b: String) -> Bool {
        equals(Array(a.utf8), Array(b.utf8))
    }
}
