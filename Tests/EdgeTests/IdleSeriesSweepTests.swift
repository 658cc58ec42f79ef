@testable import Edge
import Readings
import Testing

@Suite("IdleSeriesSweep")
struct IdleSeriesSweepTests {
    let start: Int64 = 1_732_400_000_000

    func table(seenAt times: [Int64]) -> SeriesTable {
        var table = SeriesTable(maxSeries: 10_000)
        for (index, time) in times.enumerated() {
            _ = table.intern(Series(site: "s", line: "l", device: "d\(index)", sensor: "t"), nowMillis: time)
        }
        return table
    }

    @Test("checks every idle/24, forgets when idle series are at least 1 % of the table")
    func forgetsAtOnePercent() {
        var sweep = IdleSeriesSweep(idle: .seconds(86_400))
        #expect(sweep.checkEveryMillis == 3_600_000)
        // 1 idle of 200 is half a percent: not yet; 2 of 200 is 1 %.
        let few = table(seenAt: [start] + Array(repeating: start + 86_400_000, count: 199))
        let more = table(seenAt: [start, start] + Array(repeating: start + 86_400_000, count: 198))
        #expect(sweep.cutoff(nowMillis: start + 80_000_000, table: few, refusedForRoom: false) == nil)  // first call arms it
        #expect(sweep.cutoff(nowMillis: start + 86_400_001, table: few, refusedForRoom: false) == nil)
        #expect(sweep.cutoff(nowMillis: start + 86_400_002, table: more, refusedForRoom: false) == nil)  // not due
        let due = start + 86_400_001 + 3_600_000
        #expect(sweep.cutoff(nowMillis: due, table: more, refusedForRoom: false) == due - 86_400_000)
    }

    @Test("a refusal for room forgets even one idle series at the next check; nothing idle never forgets")
    func refusalForgetsAtOnce() {
        var sweep = IdleSeriesSweep(idle: .seconds(24))
        #expect(sweep.checkEveryMillis == 1_000)
        let one = table(seenAt: [start] + Array(repeating: start + 30_000, count: 999))
        #expect(sweep.cutoff(nowMillis: start + 25_000, table: one, refusedForRoom: false) == nil)  // arms
        #expect(sweep.cutoff(nowMillis: start + 30_000, table: one, refusedForRoom: false) == nil)  // 0.1 %, not overdue
        #expect(sweep.cutoff(nowMillis: start + 31_000, table: one, refusedForRoom: true) == start + 31_000 - 24_000)
        let none = table(seenAt: Array(repeating: start + 30_000, count: 10))
        #expect(sweep.cutoff(nowMillis: start + 40_000, table: none, refusedForRoom: true) == nil)
    }

    @Test("a lone idle series is forgotten once the last forgetting is idle ago")
    func overdue() {
        var sweep = IdleSeriesSweep(idle: .seconds(24))
        let one = table(seenAt: [start] + Array(repeating: start + 100_000, count: 999))
        #expect(sweep.cutoff(nowMillis: start, table: one, refusedForRoom: false) == nil)
        #expect(sweep.cutoff(nowMillis: start + 20_000, table: one, refusedForRoom: false) == nil)  // not idle yet at the cutoff
        #expect(sweep.cutoff(nowMillis: start + 30_000, table: one, refusedForRoom: false) == start + 6_000)
    }
}
