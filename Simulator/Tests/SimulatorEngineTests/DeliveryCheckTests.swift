import SimulatorEngine
import Testing

@Suite("Delivery ledger and check")
struct DeliveryCheckTests {
    @Test("a device's readings stored once each: nothing lost or duplicated, one latency per reading")
    func exact() {
        var ledger = DeliveryLedger()
        for seq in Int64(100)..<110 { ledger.record(seqs: seq...seq, readings: 3, micros: 1_000_000 + seq * 1_000) }
        var check = DeliveryCheck(ledger: ledger)
        var latencies: [Int64] = []
        for seq in Int64(100)..<110 {
            for _ in 0..<3 {
                if let micros = check.add(seq: seq, storedAtMillis: 2_000 + seq) { latencies.append(micros) }
            }
        }
        #expect(check.result == DeliveryCheck.Result(sent: 30, stored: 30, lost: 0, duplicated: 0, unexpected: 0))
        #expect(latencies.count == 30)
        #expect(latencies.allSatisfy { $0 == 1_000_000 })
    }

    @Test("per seq: missing copies are lost, extra copies duplicated, a device resend counts as sent, unknown seqs unexpected")
    func lossAndDuplicates() {
        var ledger = DeliveryLedger()
        ledger.record(seqs: 5...5, readings: 2, micros: 10)
        ledger.record(seqs: 6...6, readings: 2, micros: 10)
        ledger.record(seqs: 6...6, readings: 2, micros: 20)  // an injected duplicate: 4 copies expected
        ledger.record(seqs: 3...4, readings: 4, micros: 30)  // an array of two ticks, earlier seqs
        var check = DeliveryCheck(ledger: ledger)
        for seq: Int64 in [3, 3, 4, 5, 5, 5, 6, 6, 6, 6, 42] { _ = check.add(seq: seq, storedAtMillis: 1) }
        // seq 4: 1 of 2 (1 lost); seq 5: 3 of 2 (1 duplicated); seq 42 never sent.
        var expected = DeliveryCheck.Result(sent: 10, stored: 11, lost: 1, duplicated: 1, unexpected: 1)
        expected.lostPublishedFirstMillis = 0  // seq 4, first published at 30 µs
        expected.lostPublishedLastMillis = 0
        #expect(check.result == expected)
    }

    @Test("the lost readings' first publish times span exactly the seqs that went missing, also summed over devices")
    func lostSpan() {
        var ledger = DeliveryLedger()
        for seq: Int64 in 0..<10 { ledger.record(seqs: seq...seq, readings: 1, micros: 1_000_000 + seq * 100_000) }
        var check = DeliveryCheck(ledger: ledger)
        for seq: Int64 in [0, 1, 2, 3, 6, 7, 8, 9] { _ = check.add(seq: seq, storedAtMillis: 2_000) }
        #expect(check.result.lost == 2)
        #expect(check.result.lostPublishedFirstMillis == 1_400)
        #expect(check.result.lostPublishedLastMillis == 1_500)

        var total = DeliveryCheck.Result()
        total.add(check.result)
        var other = DeliveryCheck.Result(sent: 1, lost: 1)
        other.lostPublishedFirstMillis = 900
        other.lostPublishedLastMillis = 900
        total.add(other)
        total.add(DeliveryCheck.Result(sent: 5, stored: 5))
        #expect(total.lost == 3)
        #expect(total.lostPublishedFirstMillis == 900)
        #expect(total.lostPublishedLastMillis == 1_500)
    }

    @Test("readings without a seq compare in total")
    func unnumbered() {
        var ledger = DeliveryLedger()
        ledger.record(seqs: -1 ... -1, readings: 5, micros: 1)
        var check = DeliveryCheck(ledger: ledger)
        for _ in 0..<4 { _ = check.add(seq: -1, storedAtMillis: 1) }
        #expect(check.result == DeliveryCheck.Result(sent: 5, stored: 4, lost: 1, duplicated: 0, unexpected: 0))
        for _ in 0..<3 { _ = check.add(seq: -1, storedAtMillis: 1) }
        #expect(check.result.duplicated == 2)
    }

    @Test("seqs spread wider than the ledger tracks fall back to totals")
    func untracked() {
        var ledger = DeliveryLedger()
        ledger.record(seqs: 0...0, readings: 1, micros: 1)
        ledger.record(seqs: DeliveryLedger.maxSpan...DeliveryLedger.maxSpan, readings: 1, micros: 1)
        #expect(!ledger.isTracked)
        var check = DeliveryCheck(ledger: ledger)
        _ = check.add(seq: 0, storedAtMillis: 1)
        _ = check.add(seq: DeliveryLedger.maxSpan, storedAtMillis: 1)
        #expect(check.result == DeliveryCheck.Result(sent: 2, stored: 2, lost: 0, duplicated: 0, unexpected: 0))
    }
}
