import Clocks
import Foundation

/// Parses the human units used in config files: durations (`50ms`, `30s`, `5m`, `1h`, `7d`)
/// and sizes (`65536`, `64KiB`, `512MB`, `1GiB`).
public enum ConfigUnits {
    /// A duration (see ``DurationText``: a unit is required).
    public static func duration(_ text: String) -> Duration? {
        DurationText.duration(text)
    }

    public static func bytes(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
        let units: [(String, Double)] = [
            ("kib", 1_024), ("mib", 1_048_576), ("gib", 1_073_741_824), ("tib", 1_099_511_627_776),
            ("kb", 1e3), ("mb", 1e6), ("gb", 1e9), ("tb", 1e12), ("k", 1_024), ("m", 1_048_576), ("g", 1_073_741_824), ("b", 1),
        ]
        let lower = trimmed.lowercased()
        for (suffix, factor) in units where lower.hasSuffix(suffix) {
            guard let number = Double(lower.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)),
                number.isFinite, number >= 0, number * factor < 9.2e18
            else { return nil }
            return Int64((number * factor).rounded())
        }
        return Int64(lower)
    }
}
