@testable import Edge
import Foundation
import Logging
import Readings
import Spool
import TestSupport
import Testing

@Suite("RecentReadingsBook: the site page's readings, restored from the spool at start")
struct RecentReadingsBookTests {
    /// A 30-second bucket start near the real time (the book drops restored readings by the wall clock too).
    static let now = Int64(Date().timeIntervalSince1970 * 1_000) / 30_000 * 30_000

    /// A spool holding `press` readings at `now - 60 s` and `now - 30 s`, in one sealed batch and the open one.
    static func spool(_ directory: TemporaryDirectory) throws -> String {
        var configuration = SpoolConfiguration(path: directory.path + "/spool.db", edgeID: "seoul-a", synchronous: .normal)
        configuration.batchMaxReadings = 2
        let spool = try Spool(configuration: configuration, logger: Logger(label: "test"))
        var columns = ReadingColumns()
        columns.newSeries = [NewSeries(id: 0, series: RecentReadingsTests.series("press-1"))]
        columns.append(sid: 0, ts: now - 60_000, value: 1, seq: -1)
        columns.append(sid: 0, ts: now - 59_000, value: 3, seq: -1)
        columns.append(sid: 0, ts: now - 30_000, value: 7, seq: -1)
        _ = try spool.commit(columns, nowMillis: now - 1_000)
        return configuration.path
    }

    static func handoff(_ ts: Int64, _ value: Double, id: SeriesID = 3, new: Bool = true) -> Handoff {
        var columns = ReadingColumns()
        if new { columns.newSeries = [NewSeries(id: id, series: RecentReadingsTests.series("press-1"))] }
        columns.append(sid: id, ts: ts, value: value, seq: -1)
        return Handoff(columns: columns)
    }

    @Test("restored series list above the live ids with their history, and move to the live id with it when they come back")
    func restoreAndAdopt() throws {
        let directory = try TemporaryDirectory(prefix: "recent-book")
        let book = RecentReadingsBook()
        #expect(try book.restore(spoolPath: Self.spool(directory), nowMillis: Self.now) == 3)
        let restored = book.series(site: nil, line: nil, device: nil, after: -1, limit: 10)
        #expect(restored.series.map(\.id) == [Int64(RecentReadingsBook.restoredIDBase)] && restored.series.first?.lastValue == 7)
        #expect(book.points(id: RecentReadingsBook.restoredIDBase, from: 0, to: .max).map(\.value) == [2, 7])

        book.record([Self.handoff(Self.now, 9)], nowMillis: Self.now)
        let live = book.series(site: nil, line: nil, device: nil, after: -1, limit: 10)
        #expect(live.series.map(\.id) == [3] && live.series.first?.count == 4 && !live.more)
        #expect(book.points(id: 3, from: 0, to: .max).map(\.value) == [2, 7, 9])
        #expect(book.listings.restored.names.isEmpty, "every restored series came back: nothing kept")
        #expect(book.sites().map(\.name) == ["seoul"])
    }

    @Test("restored series that never come back are dropped once older than the page shows")
    func restoredExpire() throws {
        let directory = try TemporaryDirectory(prefix: "recent-book")
        let book = RecentReadingsBook()
        try book.restore(spoolPath: Self.spool(directory), nowMillis: Self.now)
        book.record([], nowMillis: Self.now + 16 * 60_000)
        #expect(book.series(site: nil, line: nil, device: nil, after: -1, limit: 10).series.isEmpty)
        #expect(book.sites().isEmpty)
    }

    @Test("paging runs from the live ids on to the restored ones, each listed once")
    func pagingAcross() throws {
        let directory = try TemporaryDirectory(prefix: "recent-book")
        let book = RecentReadingsBook()
        try book.restore(spoolPath: Self.spool(directory), nowMillis: Self.now)
        var columns = ReadingColumns()
        columns.newSeries = [NewSeries(id: 0, series: RecentReadingsTests.series("drill-1"))]
        columns.append(sid: 0, ts: Self.now, value: 1, seq: -1)
        book.record([Handoff(columns: columns)], nowMillis: Self.now)
        let first = book.series(site: nil, line: nil, device: nil, after: -1, limit: 1)
        #expect(first.series.map(\.id) == [0] && first.more)
        let second = book.series(site: nil, line: nil, device: nil, after: 0, limit: 1)
        #expect(second.series.map(\.id) == [Int64(RecentReadingsBook.restoredIDBase)] && !second.more)
        #expect(book.series(site: nil, line: nil, device: nil, after: Int.max, limit: 10).series.isEmpty)
    }
}
