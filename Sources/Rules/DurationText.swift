/// Parses the durations of rule files: `500ms`, `3s`, `5m`, `1h`, `1.5s`, `2d`.
///
/// The engine keeps time in whole milliseconds (the resolution of reading timestamps), so a
/// duration is rounded to the nearest millisecond.
enum DurationText {
    /// The units, longest suffix first so `ms` is not read as `m`.
    static let units: [(suffix: String, millis: Double)] = [
        ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// The duration in milliseconds, or nil when `text` is not a duration.
    static func millis(_ text: String) -> Int64? {
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            // Only digits and one dot: `Double` alone would also take `1e3`, `inf` and `0x10`.
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                number.filter({ $0 == "." }).count <= 1, number.first != ".", number.last != ".",
                let value = Double(number)
            else { return nil }
            let millis = (value * factor).rounded()
            // A hundred years is more than any rule needs and keeps sums of times far from overflow.
            guard millis <= 100 * 365 * 86_400_000 else { return nil }
            return Int64(millis)
        }
        return nil
    }

    /// The hint used in error messages.
    static let expected = "a duration like 500ms, 3s, 5m, 1h or 1.5s"
}
