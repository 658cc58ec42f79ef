import Clocks
import Testing

@Suite("IntervalGate: costly work at most once per interval")
struct IntervalGateTests {
    @Test("the first claim passes, then none until the interval has passed since the last that did")
    func oncePerInterval() {
        let gate = IntervalGate(every: .seconds(15))
        #expect(gate.claim(nowMillis: 1_000))
        #expect(!gate.claim(nowMillis: 1_000))
        #expect(!gate.claim(nowMillis: 15_999))
        #expect(gate.claim(nowMillis: 16_000))
        #expect(!gate.claim(nowMillis: 30_999))
        #expect(gate.claim(nowMillis: 31_000))
        #expect(gate.claim(nowMillis: 5_000), "a wall clock stepped back does not hold the work off")
        #expect(!gate.claim(nowMillis: 6_000))
    }
}
