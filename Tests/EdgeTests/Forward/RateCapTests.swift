@testable import Edge
import Testing

@Suite("Catch-up rate cap")
struct RateCapTests {
    @Test("no cap lets everything through")
    func unlimited() {
        var cap = RateCap(perSecond: 0)
        for _ in 0..<100 { cap.spend(5_000, nowMillis: 0) }
        #expect(cap.allows(nowMillis: 0))
        #expect(cap.nextAllowedMillis == nil)
    }

    @Test("over any stretch at most rate × time plus one batch goes out")
    func holdsTheRate() {
        var cap = RateCap(perSecond: 2_000)
        var sent = 0
        var now: Int64 = 0
        while now <= 10_000 {
            if cap.allows(nowMillis: now) {
                cap.spend(1_000, nowMillis: now)
                sent += 1_000
            }
            now += 10
        }
        // 10 s at 2,000/s: 20,000, plus the batch sent at the start.
        #expect(sent <= 21_000 && sent >= 20_000, "sent \(sent)")
    }

    @Test("an idle spell does not bank credit for a burst later")
    func noBankedBurst() {
        var cap = RateCap(perSecond: 1_000)
        cap.spend(1_000, nowMillis: 0)
        #expect(!cap.allows(nowMillis: 999))
        #expect(cap.allows(nowMillis: 1_000))
        #expect(cap.allows(nowMillis: 60_000))
        cap.spend(1_000, nowMillis: 60_000)
        #expect(!cap.allows(nowMillis: 60_500), "a minute idle still allows only one batch now")
        #expect(cap.nextAllowedMillis == 61_000)
    }
}
