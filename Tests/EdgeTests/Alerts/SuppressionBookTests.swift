import Foundation
@testable import Edge
import Logging
import Readings
import TestSupport
import Testing

@Suite("Suppression book: the last known shelving, kept across restarts")
struct SuppressionBookTests {
    static let point = AlarmPoint(rule: "line-pressure", site: "seoul", line: "line1", device: "pump-3", sensor: "pressure")

    @Test("what the core answered is kept in a file and read back at the next start; another site's or a damaged file is ignored")
    func keptAcrossRestarts() throws {
        let directory = try TemporaryDirectory(prefix: "haetae-suppressions")
        defer { directory.remove() }
        let path = SuppressionBook.path(besideAlerts: directory.file("alerts.db"))
        #expect(path == directory.file("suppressions.json"))
        let logger = Logger(label: "test")
        let book = SuppressionBook(site: "seoul", path: path, logger: logger)
        #expect(book.current == AlarmSuppressions(site: "seoul"))
        #expect(book.lastFetchedMillis == 0)
        let shelved = AlarmSuppressions(site: "seoul", shelves: [Shelf(point: Self.point, by: "oli", atMillis: 1_000, untilMillis: 9_000, comment: "gauge")])
        #expect(try book.replace(with: shelved, fetchedAtMillis: 1_500))
        #expect(try !book.replace(with: shelved, fetchedAtMillis: 2_000), "unchanged: not written again")
        #expect(book.lastFetchedMillis == 2_000)
        #expect(book.reason(for: Self.point, nowMillis: 8_999) == .shelved(untilMillis: 9_000))
        #expect(book.reason(for: Self.point, nowMillis: 9_000) == nil)

        #expect(SuppressionBook(site: "seoul", path: path, logger: logger).current == shelved)
        #expect(SuppressionBook(site: "gwangju", path: path, logger: logger).current == AlarmSuppressions(site: "gwangju"))
        try Data("{\"site\":".utf8).write(to: URL(fileURLWithPath: path))
        #expect(SuppressionBook(site: "seoul", path: path, logger: logger).current == AlarmSuppressions(site: "seoul"))
    }

    @Test("a change that cannot be written to its file is not taken: memory and file stay as they were, and the next poll takes it")
    func failedWriteIsRetried() throws {
        let directory = try TemporaryDirectory(prefix: "haetae-suppressions-full")
        defer { directory.remove() }
        let path = directory.file("suppressions.json")
        let book = SuppressionBook(site: "seoul", path: path, logger: Logger(label: "test"))
        let shelved = AlarmSuppressions(site: "seoul", shelves: [Shelf(point: Self.point, by: "oli", atMillis: 1_000, untilMillis: 9_000, comment: "gauge")])
        // A directory where the file should be: the atomic write fails as on a full disk.
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        #expect(throws: (any Error).self) { try book.replace(with: shelved, fetchedAtMillis: 1_500) }
        #expect(book.current == AlarmSuppressions(site: "seoul"), "not taken")
        try FileManager.default.removeItem(atPath: path)
        #expect(try book.replace(with: shelved, fetchedAtMillis: 2_000), "the next poll takes it")
        #expect(SuppressionBook(site: "seoul", path: path, logger: Logger(label: "test")).current == shelved)
    }
}
