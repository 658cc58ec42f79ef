/// Hour arithmetic on epoch milliseconds, rounding toward −∞ so that times before 1970 fall in
/// the hour that contains them (Swift's `/` rounds toward zero).
public enum TimeMath {
    /// One hour in milliseconds: the size of a storage block's span and of a rollup row.
    static let hour: Int64 = 3_600_000

    /// Time stamps a store accepts: 1970-01-01 to the end of 9999 (epoch ms), the range the edge
    /// accepts from devices too (`bad_timestamp` outside it). Far from Int64's ends, so hour
    /// and step arithmetic on stored times cannot overflow.
    public static let plausible: ClosedRange<Int64> = 0...253_402_300_799_999

    /// `a / b` rounded toward −∞ (`b > 0`).
    @inline(__always)
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && a < 0) ? q - 1 : q
    }

    /// The start of the hour containing `ts`.
    @inline(__always)
    static func hourStart(_ ts: Int64) -> Int64 {
        floorDiv(ts, hour) * hour
    }

    /// The first hour boundary at or after `ts`.
    static func hourCeiling(_ ts: Int64) -> Int64 {
        let start = hourStart(ts)
        return start == ts ? ts : start + hour
    }
}
