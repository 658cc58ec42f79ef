import Testing

@testable import CoreService

@Suite struct SeqTrackerTests {
    func tracked(_ seqs: [Int64]) -> SeqTracker {
        var tracker = SeqTracker()
        for seq in seqs { tracker.observe(seq) }
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

    @Test func aJumpBeyondTheWindowStillCountsAndLateOnesFarBehindAreLate() {
        var tracker = tracked([0, 200])
        #expect(tracker.missing == 199)
        tracker.observe(100)  // behind the window of 64: late, still counted missing
        #expect(tracker.late == 1)
        #expect(tracker.missing == 199)
        tracker.observe(190)  // inside it: late and found
        #expect(tracker.late == 2)
        #expect(tracker.missing == 198)
    }

    @Test func extremeNumbersNeverTrap() {
        let tracker = tracked([Int64.max, 0, Int64.max - 1, Int64.max, 3])
        #expect(tracker.restarts >= 1)
        #expect(tracker.missing >= 0)
    }
}
