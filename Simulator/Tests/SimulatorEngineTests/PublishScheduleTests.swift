import SimulatorEngine
import Testing

@Suite("Publish schedule")
struct PublishScheduleTests {
    @Test("releases exactly rate × elapsed messages, however irregular the polling")
    func exactOverTime() {
        var schedule = PublishSchedule(rate: 1_000)
        var released = 0
        var now: UInt64 = 5_000_000_000
        var jitter: UInt64 = 1
        while now < 5_000_000_000 + 10_000_000_000 {
            released += schedule.release(nowNanos: now)
            jitter = (jitter &* 6_364_136_223_846_793_005 &+ 1)
            now += 100_000 + (jitter >> 40) % 3_000_000  // 0.1 to 3.1 ms between polls
        }
        // 10 s at 1,000/s: 10,000 (+1 for the message due at t = 0), within one poll gap.
        #expect(abs(released - 10_001) <= 4)
    }

    @Test("a stall releases at most one burst, then catches up at the burst size")
    func burstIsBounded() {
        var schedule = PublishSchedule(rate: 10_000, maxBurst: 100)
        #expect(schedule.release(nowNanos: 0) == 1)
        #expect(schedule.release(nowNanos: 1_000_000_000) == 100)
        #expect(schedule.release(nowNanos: 1_000_000_000) == 100)
    }

    @Test("flat out releases a burst every call, and a limit stops it exactly")
    func flatOutWithLimit() {
        var schedule = PublishSchedule(rate: 0, maxBurst: 64)
        var total = 0
        for _ in 0..<100 { total += schedule.release(nowNanos: 0, limit: 1_000) }
        #expect(total == 1_000)
    }

    @Test("the time to the next message follows the rate")
    func nextDue() {
        var schedule = PublishSchedule(rate: 100)
        _ = schedule.release(nowNanos: 0)
        #expect(schedule.nanosUntilNext(nowNanos: 0) == 10_000_000)
        #expect(schedule.nanosUntilNext(nowNanos: 20_000_000) == 0)
    }
}
