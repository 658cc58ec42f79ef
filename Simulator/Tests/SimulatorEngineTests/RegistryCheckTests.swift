import SimulatorEngine
import Testing

@Suite struct RegistryCheckTests {
    @Test func theLedgerKnowsWhichNumbersWereNeverPublishedBetweenItsFirstAndLast() {
        var ledger = DeliveryLedger()
        #expect(ledger.unpublishedWithin == 0)
        for seq: Int64 in [3, 4, 7, 8, 12] { ledger.record(seqs: seq...seq, readings: 2, micros: 1) }
        #expect(ledger.unpublishedWithin == 5)  // 5, 6, 9, 10, 11
    }

    @Test func anExactRegistryMatchesEveryDevice() {
        var check = RegistryCheck()
        check.add(device: "s/l/a", truth: .init(unpublished: 3, clockOffsetMillis: 0, numbered: true), seen: .init(missing: 3, clockOff: false, clockOffsetMillis: 12))
        check.add(device: "s/l/b", truth: .init(unpublished: 0, clockOffsetMillis: 90_000, numbered: true), seen: .init(missing: 0, clockOff: true, clockOffsetMillis: 90_010))
        check.add(device: "s/l/c", truth: .init(unpublished: 0, clockOffsetMillis: 0, numbered: false), seen: .init(missing: 0, clockOff: false, clockOffsetMillis: nil))
        #expect(check.isExact)
        #expect(check.seqCompared == 2 && check.seqExact == 2)
        #expect(check.clockOff == 1 && check.clockFlagged == 1)
    }

    @Test func gapsTheCoreMissedAndFlagsItGotWrongAreNamed() {
        var check = RegistryCheck()
        check.add(device: "s/l/a", truth: .init(unpublished: 3, clockOffsetMillis: 0, numbered: true), seen: .init(missing: 5, clockOff: true, clockOffsetMillis: 4_000))
        check.add(device: "s/l/b", truth: .init(unpublished: 0, clockOffsetMillis: 60_000, numbered: true), seen: .init(missing: 0, clockOff: false, clockOffsetMillis: 0))
        check.add(device: "s/l/gone", truth: .init(unpublished: 0, clockOffsetMillis: 0, numbered: true), seen: nil)
        #expect(!check.isExact)
        #expect(check.listed == 2 && check.devices == 3)
        #expect(check.mismatches == [.init(device: "s/l/a", expected: 3, core: 5)])
        #expect(check.falseClockFlags == ["s/l/a"])
        #expect(check.clockFlagged == 0 && check.clockOff == 1)
    }
}
