import Clocks
import Testing

@Suite("Durations: the one parser of rule files, config files and the API")
struct DurationTextTests {
    @Test("durations take ms, s, m, h, d and fractions, rounded to milliseconds", arguments: [
        ("500ms", 500), ("3s", 3_000), ("5m", 300_000), ("1h", 3_600_000), ("1.5s", 1_500), ("2d", 172_800_000), ("0.25ms", 0),
        ("1500us", 2),
    ] as [(String, Int64)])
    func durations(_ text: String, _ millis: Int64) {
        #expect(DurationText.millis(text) == millis)
    }

    @Test("malformed durations and bare numbers are rejected: 600 could mean milliseconds or seconds", arguments: [
        "3", "600", "", "s", "3 s", "-1s", "1e3s", ".5s", "5.s", "3sec", "1.2.3s", "inf s", "36501d",
    ])
    func badDurations(_ text: String) {
        #expect(DurationText.millis(text) == nil)
        #expect(DurationText.duration(text) == nil)
    }

    @Test("as a Duration: to the nanosecond, with spaces around and capital units allowed (config files)", arguments: [
        ("50ms", Duration.milliseconds(50)), ("30s", .seconds(30)), ("5m", .seconds(300)), ("1h", .seconds(3_600)),
        ("1.5s", .milliseconds(1_500)), ("250us", .microseconds(250)), (" 2S ", .seconds(2)), ("7d", .seconds(7 * 86_400)),
    ])
    func asDuration(_ text: String, _ expected: Duration) {
        #expect(DurationText.duration(text) == expected)
    }
}
