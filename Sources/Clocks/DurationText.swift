/// The one parser of human durations, as rule files, config files and the API write them:
/// `500ms`, `3s`, `5m`, `1h`, `1.5s`, `2d` (and `250us` where finer than a millisecond matters).
///
/// A unit is required: a bare `600` is refused, since nobody can tell whether it meant
/// milliseconds or seconds. Only digits and one dot before the unit: `Double` alone would also
/// take `1e3`, `inf` and `0x10`.
public enum DurationText {
    /// The units in milliseconds, longest suffix first so `ms` is not read as `m` or `s`.
    static let units: [(suffix: String, millis: Double)] = [
        ("ms", 1), ("us", 0.001), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// A hundred years: more than anything needs, and far from overflow when times are added.
    public static let maxMillis: Int64 = 100 * 365 * 86_400_000

    /// The duration in whole milliseconds (rounded), or nil when `text` is not a duration.
    public static func millis(_ text: String) -> Int64? {
        guard let millis = exactMillis(text), millis.rounded() <= Double(maxMillis) else { return nil }
        return Int64(millis.rounded())
    }

    /// The duration to the nanosecond, or nil when `text` is not a duration. Config files may
    /// surround it with spaces and write the unit in capitals.
    public static func duration(_ text: String) -> Duration? {
        let trimmed = String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()).lowercased()
        guard let millis = exactMillis(trimmed), millis <= Double(maxMillis) else { return nil }
        return .nanoseconds(Int64((millis * 1_000_000).rounded()))
    }

    private static func exactMillis(_ text: String) -> Double? {
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                number.filter({ $0 == "." }).count <= 1, number.first != ".", number.last != ".",
                let value = Double(number)
            else { return nil }
            return value * factor
        }
        return nil
    }

    /// The hint used in error messages.
    public static let expected = "a duration like 500ms, 3s, 5m, 1h or 1.5s"
}
