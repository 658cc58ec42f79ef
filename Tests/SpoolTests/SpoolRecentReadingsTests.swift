import Readings
@testable import Spool
import TestSupport
import Testing

@Suite("SpoolReader: the recent readings an edge's site page restores at start")
struct SpoolRecentReadingsTests {
    @Test("only batches sealed in the window, the newest first up to the bound, given oldest first, then the open batch")
    func windowAndBound() throws {
        let directory = try TemporaryDirectory(prefix: "spool-recent")
        let spool = try makeSpool(directory) { $0.batchMaxReadings = 100 }
        var builder = ColumnsBuilder()
        // Batches of 100 sealed at 1 s (old), then at 10, 11 and 12 s; 40 readings stay open.
        try spool.commit(builder.columns(press, count: 100, firstValue: 0), nowMillis: 1_000)
        try spool.commit(builder.columns(press, count: 100, firstValue: 100), nowMillis: 10_000)
        try spool.commit(builder.columns(press, count: 100, firstValue: 200), nowMillis: 11_000)
        try spool.commit(builder.columns(press, count: 100, firstValue: 300), nowMillis: 12_000)
        try spool.commit(builder.columns(furnace, count: 40), nowMillis: 12_500)
        let reader = try SpoolReader(path: directory.path + "/spool.db")

        var values: [Double] = []
        try reader.forEachRecentReading(sealedSinceMillis: 5_000, maxReadings: 1_000_000) { values.append($0.value) }
        #expect(values.count == 340 && values.first == 100 && values[299] == 399, "the old batch is left out; oldest first")

        values = []
        try reader.forEachRecentReading(sealedSinceMillis: 5_000, maxReadings: 150) { values.append($0.value) }
        #expect(values.count == 240 && values.first == 200, "the two newest batches reach the bound, then the open batch")
    }
}
