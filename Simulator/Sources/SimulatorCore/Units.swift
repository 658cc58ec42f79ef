/// Parses the human units of scenario files: durations (`30s`, `500ms`, `5m`, `1h`, `1m30s`)
/// and rates (`10`, `10/s`, `50k/s`, `600/m`).
public enum Units {
    /// The seconds in a duration: one or more `<number><unit>` parts with units `ms`, `s`, `m`, `h`
    /// (`1m30s`), or a bare number of seconds. `nil` when malformed, negative or not finite.
    public static func seconds(_ text: String) -> Double? {
        let parts = split(text.lowercased())
        guard let parts, !parts.isEmpty else { return nil }
        if parts.count == 1, parts[0].unit.isEmpty { return parts[0].number }
        var total = 0.0
        for part in parts {
            let scale: Double
            switch part.unit {
            case "ms": scale = 0.001
            case "s": scale = 1
            case "m", "min": scale = 60
            case "h": scale = 3_600
            default: return nil
            }
            total += part.number * scale
        }
        return total.isFinite ? total : nil
    }

    /// Readings per second in a rate: a number with an optional `k` or `M` multiplier and an
    /// optional `/s`, `/m` (per minute) or `/h`, e.g. `50k/s` = 50,000. `nil` when malformed.
    public static func perSecond(_ text: String) -> Double? {
        var body = Substring(text.trimmed)
        var per = 1.0
        if let slash = body.firstIndex(of: "/") {
            switch body[body.index(after: slash)...].trimmed {
            case "s", "sec": per = 1
            case "m", "min": per = 60
            case "h": per = 3_600
            default: return nil
            }
            body = Substring(body[..<slash].trimmed)
        }
        var multiplier = 1.0
        if body.hasSuffix("k") || body.hasSuffix("K") {
            multiplier = 1_000
            body = body.dropLast()
        } else if body.hasSuffix("M") {
            multiplier = 1_000_000
            body = body.dropLast()
        }
        guard let number = Double(body.replacing("_", with: "")), number.isFinite, number >= 0 else { return nil }
        return number * multiplier / per
    }

    /// Splits `1m30s` into `[(1, "m"), (30, "s")]`; `nil` when a part has no number.
    private static func split(_ text: String) -> [(number: Double, unit: String)]? {
        var parts: [(number: Double, unit: String)] = []
        var number = ""
        var unit = ""
        func flush() -> Bool {
            guard !number.isEmpty else { return unit.isEmpty }
            guard let value = Double(number), value.isFinite, value >= 0 else { return false }
            parts.append((value, unit))
            number = ""
            unit = ""
            return true
        }
        for character in text.trimmed where character != " " && character != "_" {
            if character.isNumber || character == "." {
                if !unit.isEmpty, !flush() { return nil }
                number.append(character)
            } else if character.isLetter {
                guard !number.isEmpty else { return nil }
                unit.append(character)
            } else {
                return nil
            }
        }
        return flush() ? parts : nil
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces (no Foundation needed).
    var trimmed: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
