/// Writes numbers as ASCII into byte arrays without building `String`s.
public enum NumberWriter {
    private static let powers: [Double] = (0...9).map { n in (0..<n).reduce(1.0) { acc, _ in acc * 10 } }

    /// Appends `value` with exactly `decimals` digits after the point (`71.20`), rounding half
    /// away from zero; no `-` on a value that rounds to zero. Non-finite values write `null`.
    public static func append(_ value: Double, decimals: Int, to out: inout [UInt8]) {
        guard value.isFinite else {
            out.append(contentsOf: [UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")])
            return
        }
        let decimals = min(max(decimals, 0), 9)
        let scale = powers[decimals]
        let scaled = (value * scale).rounded()
        guard abs(scaled) < 9e15 else {  // beyond exact integers: rare, let the stdlib print it
            out.append(contentsOf: value.description.utf8)
            return
        }
        var units = Int64(scaled)
        if units < 0 {
            out.append(UInt8(ascii: "-"))
            units = -units
        }
        let divisor = Int64(scale)
        append(units / divisor, to: &out)
        guard decimals > 0 else { return }
        out.append(UInt8(ascii: "."))
        var fraction = units % divisor
        let start = out.count
        for _ in 0..<decimals {
            out.append(UInt8(ascii: "0") + UInt8(fraction % 10))
            fraction /= 10
        }
        out[start...].reverse()
    }

    /// Appends a decimal integer.
    public static func append(_ value: Int64, to out: inout [UInt8]) {
        var magnitude = value.magnitude
        if value < 0 { out.append(UInt8(ascii: "-")) }
        let start = out.count
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        out[start...].reverse()
    }
}
