@testable import Edge
import Readings
import Testing

@Suite("RecentReadings: the site page's latest values and 30-second history")
struct RecentReadingsTests {
    static func series(_ device: String, line: String = "line1", sensor: String = "temperature") -> Series {
        Series(site: "seoul", line: line, device: device, sensor: sensor, unit: "C")
    }

    static func columns(new: [(Int, Series)] = [], readings: [(Int, Int64, Double)], renumbering: SeriesRenumbering? = nil) -> ReadingColumns {
        var columns = ReadingColumns()
        columns.renumbering = renumbering
        columns.newSeries = new.map { NewSeries(id: SeriesID($0.0), series: $0.1) }
        for (id, ts, value) in readings { columns.append(sid: SeriesID(id), ts: ts, value: value, seq: -1) }
        return columns
    }

    static let base: Int64 = 1_796_628_600_000  // a bucket start (divisible by 30,000)

    @Test("latest value by time, counts, and one average per 30-second bucket")
    func latestAndHistory() {
        var recent = RecentReadings()
        recent.record(now: Self.base + 3_600_000, Self.columns(new: [(0, Self.series("press-1")), (1, Self.series("press-2", line: "line2"))], readings: [
            (0, Self.base + 1_000, 10), (0, Self.base + 2_000, 20), (0, Self.base + 3_000, 30), (1, Self.base, 7),
        ]))
        recent.record(now: Self.base + 3_600_000, Self.columns(readings: [(0, Self.base + 31_000, 50), (0, Self.base + 500, 99)]))
        let line1 = recent.series(site: "seoul", line: "line1").series
        #expect(line1.count == 1)
        #expect(line1[0].lastValue == 50 && line1[0].lastTs == Self.base + 31_000 && line1[0].count == 5 && line1[0].firstTs == Self.base + 500)
        // The late reading (an older bucket than the newest) counts but is not drawn.
        let points = recent.points(id: 0, from: Self.base - 60_000, to: Self.base + 60_000)
        #expect(points.map(\.ts) == [Self.base, Self.base + 30_000] && points.map(\.value) == [20, 50])
        #expect(recent.points(id: 0, from: Self.base + 30_000, to: Self.base + 60_000).map(\.value) == [50], "only buckets in the window")
        let sites = recent.sites()
        #expect(sites.count == 1 && sites[0].name == "seoul" && sites[0].lines.map(\.name) == ["line1", "line2"])
        #expect(sites[0].lastTs == Self.base + 31_000 && sites[0].lines[0].devices.map(\.name) == ["press-1"])
    }

    @Test("the ring keeps 15 minutes: older buckets and skipped ones are not drawn")
    func ringWraps() {
        var recent = RecentReadings()
        recent.record(now: Self.base + 3_600_000, Self.columns(new: [(0, Self.series("press-1"))], readings: [(0, Self.base, 1)]))
        // 20 minutes later: the first bucket is out of the ring; the ones between hold nothing.
        recent.record(now: Self.base + 3_600_000, Self.columns(readings: [(0, Self.base + 20 * 60_000, 2), (0, Self.base + 20 * 60_000 + 30_000, 3)]))
        let points = recent.points(id: 0, from: 0, to: .max)
        #expect(points.map(\.value) == [2, 3])
        // Then a jump of exactly 29 buckets keeps the last one and the new one.
        recent.record(now: Self.base + 3_600_000, Self.columns(readings: [(0, Self.base + 20 * 60_000 + 30_000 * 30, 4)]))
        #expect(recent.points(id: 0, from: 0, to: .max).map(\.value) == [3, 4])
    }

    @Test("a renumbering (idle series forgotten) moves what is kept to the new ids, and a reused id starts empty")
    func renumbering() {
        var recent = RecentReadings()
        recent.record(now: Self.base + 3_600_000, Self.columns(new: [(0, Self.series("a")), (1, Self.series("b")), (2, Self.series("c"))], readings: [
            (0, Self.base, 1), (1, Self.base, 2), (2, Self.base, 3),
        ]))
        // b is forgotten: c becomes 1; then d arrives as 2.
        recent.record(now: Self.base + 3_600_000, Self.columns(
            new: [(2, Self.series("d"))], readings: [(2, Self.base + 1_000, 4)],
            renumbering: SeriesRenumbering(newIDs: [0, SeriesRenumbering.forgotten, 1])))
        let all = recent.series().series
        #expect(all.map(\.series.device) == ["a", "c", "d"] && all.map(\.id) == [0, 1, 2])
        #expect(all.map(\.lastValue) == [1, 3, 4])
        #expect(recent.points(id: 1, from: 0, to: .max).map(\.value) == [3])
        #expect(recent.points(id: 2, from: 0, to: .max).map(\.value) == [4])
    }

    @Test("series come in id order, page by page")
    func paging() {
        var recent = RecentReadings()
        recent.record(now: Self.base + 3_600_000, Self.columns(new: (0..<5).map { ($0, Self.series("d\($0)")) }, readings: (0..<5).map { ($0, Self.base, Double($0)) }))
        let first = recent.series(limit: 2)
        #expect(first.series.map(\.id) == [0, 1] && first.more)
        let second = recent.series(after: 1, limit: 2)
        #expect(second.series.map(\.id) == [2, 3] && second.more)
        let last = recent.series(after: 3, limit: 2)
        #expect(last.series.map(\.id) == [4] && !last.more)
        #expect(recent.series(after: 4).series.isEmpty && recent.series(after: .max).series.isEmpty)
    }

    @Test("a reading stamped far ahead of the edge's clock counts but neither becomes the latest nor stops the chart")
    func futureStamp() {
        var recent = RecentReadings()
        recent.record(Self.columns(new: [(0, Self.series("a"))], readings: [(0, Self.base, 1), (0, Self.base + 86_400_000, 99)]), nowMillis: Self.base)
        recent.record(Self.columns(readings: [(0, Self.base + 30_000, 2)]), nowMillis: Self.base + 30_000)
        let summary = recent.series().series[0]
        #expect(summary.lastValue == 2 && summary.count == 3)
        #expect(recent.points(id: 0, from: 0, to: .max).map(\.value) == [1, 2])
    }

    @Test("values whose average overflows a Float are not points; counts never trap")
    func hugeValues() {
        var recent = RecentReadings()
        recent.record(Self.columns(new: [(0, Self.series("a"))], readings: [(0, Self.base, 1e300), (0, Self.base + 30_000, 5)]), nowMillis: Self.base + 60_000)
        #expect(recent.points(id: 0, from: 0, to: .max).map(\.value) == [5])
    }

    @Test("a series taken out of one book and carried into another keeps its latest reading and history")
    func carried() throws {
        var restored = RecentReadings()
        restored.record(now: Self.base + 3_600_000, Self.columns(new: [(0, Self.series("a"))], readings: [(0, Self.base, 1), (0, Self.base + 30_000, 3)]))
        let takenOut = restored.takeOut(0)
        let taken = try #require(takenOut)
        let again = restored.takeOut(0)
        #expect(restored.series().series.isEmpty && again == nil, "taken out: no longer listed")
        var live = RecentReadings()
        live.record(Self.columns(new: [(4, Self.series("a"))], readings: [(4, Self.base + 60_000, 5)]), nowMillis: Self.base + 3_600_000, carried: [4: taken])
        let row = try #require(live.series().series.first)
        #expect(row.id == 4 && row.count == 3 && row.lastValue == 5 && row.firstTs == Self.base)
        #expect(live.points(id: 4, from: 0, to: .max).map(\.value) == [1, 3, 5])
    }

    @Test("readings of ids never announced, unknown ids and empty windows give nothing and never trap")
    func hostileIDs() {
        var recent = RecentReadings()
        recent.record(now: Self.base + 3_600_000, Self.columns(readings: [(5, Self.base, 1)]))
        #expect(recent.series().series.isEmpty && recent.seriesCount == 0)
        recent.record(now: Self.base + 3_600_000, Self.columns(new: [(0, Self.series("a"))], readings: [(0, .min + 1, 1), (0, .max, 2)]))
        #expect(recent.points(id: -1, from: 0, to: .max).isEmpty && recent.points(id: 7, from: 0, to: .max).isEmpty)
        #expect(recent.points(id: 0, from: 10, to: 10).isEmpty)
        #expect(recent.series().series[0].lastValue == 1, "the reading stamped at the end of time is not the latest")
    }
}

extension RecentReadings {
    /// Records with the edge's clock at `now`.
    mutating func record(now: Int64, _ columns: ReadingColumns) {
        record(columns, nowMillis: now)
    }
}
