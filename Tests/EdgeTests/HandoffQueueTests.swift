@testable import Edge
import Readings
import Testing

@Suite("HandoffQueue")
struct HandoffQueueTests {
    /// A hand-off with `readings` readings of series `firstSeries…` (each announced) and one message per reading.
    func handoff(readings: Int, newSeries ids: [SeriesID], renumbering: SeriesRenumbering? = nil) -> Handoff {
        var columns = ReadingColumns()
        columns.renumbering = renumbering
        for id in ids { columns.newSeries.append(NewSeries(id: id, series: Series(site: "s", line: "l", device: "d\(id)", sensor: "t"))) }
        for index in 0..<readings { columns.append(sid: ids.first ?? 0, ts: Int64(index), value: 1, seq: -1) }
        var handoff = Handoff(columns: columns)
        handoff.messagesReceived = readings
        handoff.rejected[.badJSON] = 1
        return handoff
    }

    @Test("while the writer fails, a full queue sheds readings instead of blocking, and keeps new series and counts in order")
    func shedsWhileWriterFails() {
        let queue = HandoffQueue(capacity: 2, bufferCapacity: 16)
        queue.setWriterFailing(true)
        // Would block for ever without shedding: only 2 fit.
        for index in 0..<5 { queue.put(handoff(readings: 10, newSeries: [SeriesID(index)])) }
        #expect(queue.takeDroppedReadings() == 30)
        #expect(queue.takeDroppedReadings() == 0)
        let taken = queue.takeAll(timeout: .milliseconds(1)) ?? []
        #expect(taken.count == 3)
        #expect(taken.map(\.columns.count) == [10, 10, 0])
        #expect(taken.flatMap(\.columns.newSeries).map(\.id) == [0, 1, 2, 3, 4])
        #expect(taken.reduce(0) { $0 + $1.messagesReceived } == 50)
        #expect(taken.reduce(0) { $0 + $1.rejected[.badJSON] } == 5)
    }

    @Test("what was shed goes before anything put later, and a renumbering is never merged into earlier shed hand-offs")
    func shedOrderAndRenumbering() {
        let queue = HandoffQueue(capacity: 1, bufferCapacity: 16)
        queue.setWriterFailing(true)
        queue.put(handoff(readings: 5, newSeries: [0]))
        queue.put(handoff(readings: 5, newSeries: [1]))  // shed
        let renumbered = SeriesRenumbering(newIDs: [0, SeriesRenumbering.forgotten])
        queue.put(handoff(readings: 5, newSeries: [1], renumbering: renumbered))  // shed, kept apart
        var taken = queue.takeAll(timeout: .milliseconds(1)) ?? []
        #expect(taken.map(\.columns.newSeries.first?.id) == [0, 1, 1])
        #expect(taken.map(\.columns.renumbering) == [nil, nil, renumbered])
        #expect(queue.takeDroppedReadings() == 10)

        // The writer recovered: a later hand-off queues behind what was shed before it.
        queue.put(handoff(readings: 5, newSeries: [2]))
        queue.put(handoff(readings: 5, newSeries: [3]))  // shed
        queue.setWriterFailing(false)
        _ = queue.takeAll(timeout: .milliseconds(1))
        queue.setWriterFailing(true)
        queue.put(handoff(readings: 5, newSeries: [4]))
        queue.put(handoff(readings: 5, newSeries: [5]))  // shed
        queue.setWriterFailing(false)
        taken = queue.takeAll(timeout: .milliseconds(1)) ?? []
        queue.put(handoff(readings: 5, newSeries: [6]))
        taken += queue.takeAll(timeout: .milliseconds(1)) ?? []
        #expect(taken.map(\.columns.newSeries.first?.id) == [4, 5, 6])
        #expect(taken.map(\.columns.count) == [5, 0, 5])
    }

    @Test("a writer stalled past the patience does not hold up put: readings wait merged in memory, in order, and none is lost")
    func stalledWriterDoesNotBlock() {
        let queue = HandoffQueue(capacity: 2, bufferCapacity: 16, stallPatience: .milliseconds(50), overflowReadings: 1_000)
        let clock = ContinuousClock()
        let started = clock.now
        // Nobody takes anything (a disk whose writes hang): 2 fit, then one patience, then no waiting.
        for index in 0..<20 { queue.put(handoff(readings: 3, newSeries: [SeriesID(index)])) }
        #expect(clock.now - started < .seconds(2), "put waited for a stalled writer")
        #expect(queue.isBacklogged)
        #expect(queue.takeDroppedReadings() == 0)
        let taken = queue.takeAll(timeout: .milliseconds(1)) ?? []
        #expect(taken.count == 2)
        #expect(taken.reduce(0) { $0 + $1.columns.count } == 60)
        #expect(taken.flatMap(\.columns.newSeries).map(\.id) == (0..<20).map { SeriesID($0) })
        #expect(taken.reduce(0) { $0 + $1.messagesReceived } == 60)
        #expect(!queue.isBacklogged, "the writer took them: no longer stalled")
    }

    @Test("past the memory budget a stalled writer's readings are shed and counted, their new series kept")
    func stalledWriterBudget() {
        let queue = HandoffQueue(capacity: 1, bufferCapacity: 16, stallPatience: .milliseconds(10), overflowReadings: 10)
        for index in 0..<5 { queue.put(handoff(readings: 4, newSeries: [SeriesID(index)])) }
        // 4 queued, 8 merged (two hand-offs within the budget of 10), 8 shed.
        #expect(queue.takeDroppedReadings() == 8)
        let taken = queue.takeAll(timeout: .milliseconds(1)) ?? []
        #expect(taken.reduce(0) { $0 + $1.columns.count } == 12)
        #expect(taken.flatMap(\.columns.newSeries).map(\.id) == [0, 1, 2, 3, 4])
    }

    @Test("a writer paused on purpose (spool full, on_full: block) makes put wait until it takes")
    func pausedWriterBlocks() async {
        let queue = HandoffQueue(capacity: 1, bufferCapacity: 16, stallPatience: .milliseconds(10))
        queue.setWriterPaused(true)
        queue.put(handoff(readings: 1, newSeries: [0]))
        let putter = Task.detached { queue.put(handoff(readings: 1, newSeries: [1])) }
        try? await Task.sleep(for: .milliseconds(300))
        #expect(queue.depth == 1, "put went past a paused writer")
        queue.setWriterPaused(false)
        _ = queue.takeAll(timeout: .milliseconds(1))
        _ = await putter.value
        #expect(queue.depth == 1)
        #expect(queue.takeDroppedReadings() == 0)
    }

    @Test("a buffer that grew while the writer stalled is not kept for reuse; a normal one is")
    func oversizedBuffersAreLetGo() {
        let queue = HandoffQueue(capacity: 2, bufferCapacity: 16)
        var big = ReadingColumns()
        big.reserveCapacity(10_000)
        queue.recycle(big)
        #expect(queue.emptyColumns().sid.capacity < 1_000)
        var normal = ReadingColumns()
        normal.reserveCapacity(16)
        for index in 0..<5 { normal.append(sid: 0, ts: Int64(index), value: 1, seq: -1) }
        queue.recycle(normal)
        let reused = queue.emptyColumns()
        #expect(reused.isEmpty && reused.sid.capacity >= 16)
    }
}
