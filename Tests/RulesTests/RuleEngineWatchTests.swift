import Readings
import Testing
@testable import Rules

@Suite("Rule engine: absent watch handed over")
struct RuleEngineWatchTests {
    static let yaml = """
        rules:
          - {name: silent, match: {sensor: "*"}, when: "absent(10s)"}
          - {name: hot, match: {sensor: temperature}, when: value > 850}
        """

    @Test("the old engine lists what its absent rules watch, with the last reading of each")
    func listsWatchedSeries() throws {
        let h = try EngineHarness(Self.yaml)
        h.add("press-07", "temperature")
        h.add("press-08", "temperature")
        _ = h.read("press-07/temperature", 20, at: 1_000)
        _ = h.read("press-07/temperature", 21, at: 2_000)
        #expect(h.engine.absentWatched().map { "\($0.id)@\($0.lastSeenMillis)" } == ["0@2000"], "a series never read is not listed")
        let noAbsent = try EngineHarness("rules:\n  - {name: hot, when: value > 850}\n")
        noAbsent.add("press-07", "temperature")
        _ = noAbsent.read("press-07/temperature", 20, at: 1_000)
        #expect(noAbsent.engine.absentWatched().isEmpty)
    }

    @Test("a series watched from another engine's last reading is flagged when its silence is long enough, once, and a reading resolves it")
    func watchedSeriesFiresOnSilence() throws {
        let h = try EngineHarness(Self.yaml)
        let id = h.add("press-07", "temperature")
        h.engine.watch(series: id, lastSeenMillis: 5_000)
        #expect(h.advance(to: 14_999).isEmpty)
        #expect(summary(h.advance(to: 15_000)) == ["firing silent press-07/ @15000"], "absent rules group by device")
        #expect(h.advance(to: 60_000).isEmpty, "once")
        #expect(summary(h.read("press-07/temperature", 20, at: 61_000)) == ["resolved silent press-07/ @61000"])
    }

    @Test("a watch older than a reading this engine already had changes nothing")
    func laterReadingWins() throws {
        let h = try EngineHarness(Self.yaml)
        let id = h.add("press-07", "temperature")
        _ = h.read("press-07/temperature", 20, at: 9_000)
        h.engine.watch(series: id, lastSeenMillis: 1_000)
        #expect(h.advance(to: 18_999).isEmpty, "silent since 9 s, not since 1 s")
        #expect(summary(h.advance(to: 19_000)) == ["firing silent press-07/ @19000"])
    }
}
