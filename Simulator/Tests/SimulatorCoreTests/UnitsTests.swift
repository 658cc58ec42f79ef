import SimulatorCore
import Testing

@Suite struct UnitsTests {
    @Test(arguments: [
        ("30s", 30.0), ("500ms", 0.5), ("5m", 300), ("1h", 3_600), ("1m30s", 90), ("2.5s", 2.5), ("12", 12),
    ])
    func durationsParse(text: String, seconds: Double) {
        #expect(Units.seconds(text) == seconds)
    }

    @Test(arguments: ["", "fast", "s", "-5s", "5x", "5s3", "1..2s"])
    func badDurationsAreRejected(text: String) {
        #expect(Units.seconds(text) == nil)
    }

    @Test(arguments: [("10", 10.0), ("10/s", 10), ("50k/s", 50_000), ("600/m", 10), ("1M/s", 1_000_000), ("7200/h", 2)])
    func ratesParse(text: String, perSecond: Double) {
        #expect(Units.perSecond(text) == perSecond)
    }

    @Test(arguments: ["fast", "10/day", "k", "-3"])
    func badRatesAreRejected(text: String) {
        #expect(Units.perSecond(text) == nil)
    }
}
