import Clocks
import Testing

@Suite("Clocks and durations")
struct ClocksTests {
    @Test("milliseconds of a duration round toward zero and saturate instead of trapping")
    func millisecondsSaturate() {
        #expect(Duration.milliseconds(1_500).milliseconds == 1_500)
        #expect(Duration.microseconds(1_999).milliseconds == 1)
        #expect(Duration.seconds(-2).milliseconds == -2_000)
        #expect(Duration.seconds(Int64.max).milliseconds == .max)
        #expect(Duration.seconds(Int64.min).milliseconds == .min)
        #expect(Duration.seconds(9_223_372_036_854_775).milliseconds == 9_223_372_036_854_775_000)
        #expect(Duration.seconds(9_223_372_036_854_775).milliseconds + 0 > 0)
    }

    @Test("Retry-After: whole seconds, at most an hour; dates, signs and junk are not a wait", arguments: [
        ("7", Duration.seconds(7) as Duration?), (" 120 ", .seconds(120)), ("0", .seconds(0)), ("3600", .seconds(3_600)),
        ("3601", .seconds(3_600)), ("9999999999999999", .seconds(3_600)), (String(repeating: "9", count: 40), .seconds(3_600)),
        (String(repeating: "9", count: 41), nil), ("-3", nil), ("+3", nil), ("1.5", nil), ("", nil), ("  ", nil),
        ("Wed, 21 Oct 2015 07:28:00 GMT", nil), ("٣", nil),
    ])
    func retryAfter(_ header: String, _ expected: Duration?) {
        #expect(RetryAfter.parse(header) == expected)
    }

    @Test("the wall clock reads epoch milliseconds")
    func wallClock() {
        let now = WallClock.millis()
        #expect(now > 1_700_000_000_000 && now < 32_503_680_000_000)
    }
}
