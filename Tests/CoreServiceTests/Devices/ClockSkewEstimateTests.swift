import Testing

@testable import CoreService

@Suite struct ClockSkewEstimateTests {
    @Test func aClockInStepReadsNearZeroAndIsNotOff() {
        var clock = ClockSkewEstimate()
        for batch in 0..<10 {
            let from = Int64(batch) * 1_000
            clock.add(timestamps: [from + 100, from + 500, from + 900], window: from...(from + 1_000))
        }
        #expect(clock.offsetMillis == 400)  // the batch's latest reading: up to half a window ahead
        #expect(clock.uncertaintyMillis == 500)
        #expect(!clock.isOff(thresholdMillis: 2_000))
    }

    @Test func messagesThatWaitedDoNotMakeAClockLookBehind() {
        var clock = ClockSkewEstimate()
        for batch in 0..<10 {
            let from = Int64(batch) * 1_000
            // Half of each batch waited 90 s in the broker's queue; the rest came at once.
            clock.add(timestamps: [from - 90_000, from - 89_000, from + 450, from + 500], window: from...(from + 1_000))
        }
        #expect(clock.offsetMillis == 0)
        #expect(!clock.isOff(thresholdMillis: 2_000))
    }

    @Test func aClockFiveMinutesAheadIsOffWithinAFewBatches() {
        var clock = ClockSkewEstimate()
        for batch in 0..<3 {
            let from = Int64(batch) * 1_000
            clock.add(timestamps: [from + 300_400], window: from...(from + 1_000))
        }
        #expect(clock.offsetMillis == 299_900)  // 300_400 after a window whose middle is 500
        #expect(clock.isOff(thresholdMillis: 2_000))
    }

    @Test func aMessageWithAWrongTimeNowAndThenDoesNotMoveIt() {
        var clock = ClockSkewEstimate()
        for batch in 0..<ClockSkewEstimate.kept {
            let from = Int64(batch) * 1_000
            let ts = batch % 5 == 0 ? from - 300_000 : from + 500
            clock.add(timestamps: [ts], window: from...(from + 1_000))
        }
        #expect(clock.offsetMillis == 0)
        #expect(!clock.isOff(thresholdMillis: 2_000))
    }

    @Test func wideWindowsRaiseTheBarForFlagging() {
        var clock = ClockSkewEstimate()
        clock.add(timestamps: [13_000], window: 0...20_000)  // 3 s ahead, but ±10 s unsure
        #expect(clock.offsetMillis == 3_000)
        #expect(!clock.isOff(thresholdMillis: 2_000))
    }

    @Test func timestampsAtTheEdgesOfInt64AreClampedNotTrapped() {
        var clock = ClockSkewEstimate()
        clock.add(timestamps: [Int64.min, Int64.max, Int64.min], window: 0...9_999_999_999_999)
        #expect(clock.offsetMillis == ClockSkewEstimate.clampMillis)  // the largest, clamped
    }

    @Test func noBatchNoFigure() {
        #expect(ClockSkewEstimate().offsetMillis == nil)
        #expect(!ClockSkewEstimate().isOff(thresholdMillis: 1))
    }
}

extension ClockSkewEstimate {
    /// One batch's readings of the device, as the registry adds them: the largest offset of
    /// their `ts` against the window's middle.
    mutating func add(timestamps: [Int64], window: ClosedRange<Int64>) {
        guard !timestamps.isEmpty else { return }
        let middle = Self.middle(of: window)
        add(batchOffsetMillis: timestamps.map { Self.offset(ts: $0, middle: middle) }.max() ?? 0, window: window)
    }
}
