import Testing

@testable import CoreService

@Suite struct SeqTrackerTests {
    /// `seqs` in the order given, each taken a second after the one before.
    func tracked(_ seqs: [Int64]) -> SeqTracker {
        var tracker = SeqTracker()
        for (index, seq) in seqs.enumerated() { tracker.observe(seq, ts: Int64(index) * 1_000) }
        return tracker
    }

    @Test func countsNumbersSkippedAsMissing() {
        let tracker = tracked([0, 1, 2, 5, 6, 10])
        #expect(tracker.missing == 5)  // 3, 4, 7, 8, 9
        #expect(tracker.highest == 10)
        #expect(tracker.late == 0)
    }

    @Test func aLateMessageIsNotLost() {
        let tracker = tracked([0, 1, 3, 4, 2, 5])
        #expect(tracker.missing == 0)
        #expect(tracker.late == 1)
    }

    @Test func repeatsAndReadingsWithoutSeqChangeNothing() {
        // One message with three sensors gives three readings with its seq; a duplicate again.
        let tracker = tracked([7, 7, 7, 8, 8, -1, 8, 9, 7])
        #expect(tracker.missing == 0)
        #expect(tracker.late == 0)
        #expect(tracker.restarts == 0)
    }

    @Test func aCounterThatStartsOverIsARestartNotAGap() {
        let tracker = tracked([500, 501, 502, 0, 1, 3])
        #expect(tracker.restarts == 1)
        #expect(tracker.missing == 1)  // only 2, after the restart
        #expect(tracker.highest == 3)
    }

    @Test func aWildJumpIsARestartNotBillionsMissing() {
        let tracker = tracked([1, 2, 9_000_000_000, 9_000_000_001])
        #expect(tracker.restarts == 1)
        #expect(tracker.missing == 0)
    }

    @Test func aJumpBeyondTheWindowStillCountsAndLateOnesFarBehindAreFound() {
        var tracker = tracked([0, 1_000])
        #expect(tracker.missing == 999)
        tracker.observe(500, ts: 500)  // behind the window: taken as late
        #expect(tracker.late == 1)
        #expect(tracker.missing == 998)
        tracker.observe(990, ts: 990)  // inside it: late and found
        tracker.observe(990, ts: 990)  // again: a repeat
        #expect(tracker.late == 2)
        #expect(tracker.missing == 997)
    }

    @Test func batchesStoredOutOfOrderLoseNothing() {
        // An edge sends four batches at once; the core stores the later ones first.
        var tracker = SeqTracker()
        for seq in Array(200..<300) + Array(100..<200) + Array(0..<100) + Array(300..<400) { tracker.observe(Int64(seq), ts: Int64(seq) * 100) }
        #expect(tracker.missing == 0)
        #expect(tracker.restarts == 0, "a first batch arriving late is not a restart")
    }

    @Test func numbersFromBeforeTheStartAreNotLateNorFound() {
        let tracker = tracked([50, 51, 40, 52])
        #expect(tracker.missing == 0 && tracker.late == 0)
    }

    @Test func theWindowMovesAcrossWordBoundaries() {
        var tracker = tracked([0, 70, 130])  // 69 + 59 missing
        #expect(tracker.missing == 128)
        for seq in [1, 69, 71, 129, 64, 65] as [Int64] { tracker.observe(seq, ts: seq) }
        #expect(tracker.missing == 122)
        #expect(tracker.late == 6)
        for seq in [1, 69, 71, 129, 64, 65] as [Int64] { tracker.observe(seq, ts: seq) }  // repeats
        #expect(tracker.missing == 122)
    }

    @Test func extremeNumbersNeverTrap() {
        let tracker = tracked([Int64.max, 0, Int64.max - 1, Int64.max, 3])
        #expect(tracker.restarts >= 1)
        #expect(tracker.missing >= 0)
    }
}
