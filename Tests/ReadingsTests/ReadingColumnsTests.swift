import Readings
import Testing

@Suite("ReadingColumns")
struct ReadingColumnsTests {
    func filled() -> ReadingColumns {
        var columns = ReadingColumns(capacity: 8)
        columns.append(sid: 0, ts: 10, value: 1.5, seq: 1)
        columns.append(sid: 1, ts: 11, value: 2.5, seq: -1)
        return columns
    }

    @Test("appending fills every column in step")
    func append() {
        let columns = filled()
        #expect(columns.count == 2 && !columns.isEmpty)
        #expect(columns.sid == [0, 1] && columns.ts == [10, 11] && columns.value == [1.5, 2.5] && columns.seq == [1, -1])
    }

    @Test("truncate(to:) rolls back readings")
    func truncateReadings() {
        var columns = filled()
        columns.truncate(to: 1)
        #expect(columns.sid == [0] && columns.ts == [10] && columns.value == [1.5] && columns.seq == [1])
    }

    @Test("truncate(to: checkpoint) also rolls back new-series records")
    func truncateCheckpoint() {
        var columns = filled()
        let mark = columns.checkpoint
        columns.newSeries.append(NewSeries(id: 2, series: Series(site: "s", line: "l", device: "d", sensor: "x")))
        columns.append(sid: 2, ts: 12, value: 3, seq: 5)
        columns.truncate(to: mark)
        #expect(columns.count == 2 && columns.newSeries.isEmpty)
        #expect(columns.checkpoint == mark)
    }

    @Test("removeAll keeps the capacity for the next batch")
    func removeAllKeepsCapacity() {
        var columns = filled()
        columns.reserveCapacity(100)
        let capacity = columns.value.capacity
        columns.removeAll()
        #expect(columns.isEmpty && columns.value.capacity == capacity)
    }
}
