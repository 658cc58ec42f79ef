/// RFC 3339 timestamps (`2024-11-24T12:00:00.123+09:00`) parsed from bytes, without Foundation.
public enum RFC3339 {
    /// Epoch milliseconds of the first instant of year 10000; timestamps must be before it.
    static let endOfYear9999Millis: Int64 = 253_402_300_800_000

    /// Parses `YYYY-MM-DD(T|t| )HH:MM:SS(.fraction)?(Z|z|±HH:MM)` to epoch milliseconds.
    ///
    /// The fraction may have any number of digits; digits past milliseconds are truncated
    /// (toward the past, as the reading cannot have happened later than it says). A leap second
    /// (`:60`) is accepted and lands on the next second, as POSIX `timegm` does.
    /// - Returns: `nil` when the text is malformed, a field is out of range (month 13, Feb 30,
    ///   hour 24, offset ±24:00), or the instant is before 1970 or after 9999.
    public static func epochMillis(_ text: UnsafeRawBufferPointer) -> Int64? {
        guard text.count >= 20 else { return nil }
        func digits(_ at: Int, _ count: Int) -> Int? {
            var value = 0
            for index in at..<at + count {
                let digit = Int(text[index]) - Int(UInt8(ascii: "0"))
                guard digit >= 0 && digit <= 9 else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        func byte(_ at: Int, is expected: UInt8) -> Bool { text[at] == expected }

        guard let year = digits(0, 4), byte(4, is: UInt8(ascii: "-")),
              let month = digits(5, 2), byte(7, is: UInt8(ascii: "-")),
              let day = digits(8, 2),
              text[10] | 0x20 == UInt8(ascii: "t") || text[10] == UInt8(ascii: " "),
              let hour = digits(11, 2), byte(13, is: UInt8(ascii: ":")),
              let minute = digits(14, 2), byte(16, is: UInt8(ascii: ":")),
              let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), (1...daysInMonth(year: year, month: month)).contains(day),
              hour <= 23, minute <= 59, second <= 60
        else { return nil }

        var index = 19
        var millis = 0
        if byte(index, is: UInt8(ascii: ".")) {
            index += 1
            let start = index
            while index < text.count, let digit = digits(index, 1) {
                if index - start < 3 { millis = millis * 10 + digit }
                index += 1
            }
            guard index > start else { return nil }
            for _ in min(index - start, 3)..<3 { millis *= 10 }
        }

        guard index < text.count else { return nil }
        var offsetSeconds = 0
        if text[index] | 0x20 == UInt8(ascii: "z") {
            index += 1
        } else {
            guard text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-"),
                  index + 6 == text.count, let offsetHour = digits(index + 1, 2),
                  byte(index + 3, is: UInt8(ascii: ":")), let offsetMinute = digits(index + 4, 2),
                  offsetHour <= 23, offsetMinute <= 59
            else { return nil }
            offsetSeconds = (offsetHour * 60 + offsetMinute) * 60
            if text[index] == UInt8(ascii: "-") { offsetSeconds = -offsetSeconds }
            index += 6
        }
        guard index == text.count else { return nil }

        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3_600 + minute * 60 + second - offsetSeconds)
        let result = seconds * 1_000 + Int64(millis)
        guard result >= 0 && result < endOfYear9999Millis else { return nil }
        return result
    }

    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
