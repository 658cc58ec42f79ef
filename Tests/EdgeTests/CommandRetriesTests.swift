@testable import Edge
import Testing

@Suite("CommandRetries")
struct CommandRetriesTests {
    func command(_ alert: String, rule: String = "overheat") -> CommandRetries.Command {
        CommandRetries.Command(alertID: alert, rule: rule, site: "s", line: "l", device: "d", topic: "factory/s/l/d/cmd", payload: "{}", qos: 0, attempts: 1, nextAtMillis: 0)
    }

    @Test("a failed command is retried after 1 s, 2 s, 4 s … at most 30 s apart, until it goes out")
    func backoff() {
        var retries = CommandRetries()
        retries.failed(command("a"), nowMillis: 0)
        #expect(retries.nextDueMillis == 1_000)
        #expect(retries.takeDue(nowMillis: 999).isEmpty)
        var due = retries.takeDue(nowMillis: 1_000)
        #expect(due.map(\.attempts) == [2])
        retries.failed(due[0], nowMillis: 1_000)
        #expect(retries.nextDueMillis == 3_000)
        var now: Int64 = 3_000
        for _ in 0..<10 {
            due = retries.takeDue(nowMillis: now)
            retries.failed(due[0], nowMillis: now)
            now = retries.nextDueMillis!
        }
        #expect(retries.nextDueMillis! - retries.pending[0].nextAtMillis == 0)
        let gap = retries.pending[0].nextAtMillis - (now - 30_000)
        #expect(gap == 30_000, "capped at 30 s")
        #expect(retries.takeDue(nowMillis: now).count == 1)
        #expect(retries.pending.isEmpty, "a command that went out is not retried")
    }

    @Test("a resolved alert's commands stop, removed rules' commands stop, and at most 1,000 wait")
    func cancelAndBound() {
        var retries = CommandRetries()
        retries.failed(command("a"), nowMillis: 0)
        retries.failed(command("b", rule: "gone"), nowMillis: 0)
        retries.failed(command("c"), nowMillis: 0)
        retries.cancel(alertID: "a")
        retries.keep(rules: ["overheat"])
        #expect(retries.pending.map(\.alertID) == ["c"])
        for index in 0..<1_005 { retries.failed(command("x\(index)"), nowMillis: 0) }
        #expect(retries.pending.count == 1_000)
        #expect(retries.givenUp == 6)
    }

    @Test("on a takeover only the retries of the adopted alerts stay")
    func keepAdopted() {
        var retries = CommandRetries()
        for id in ["a", "b", "c"] { retries.failed(command(id), nowMillis: 0) }
        retries.keep(alertIDs: ["b", "z"])
        #expect(retries.pending.map(\.alertID) == ["b"])
    }

    @Test("a command held by its cooldown is due when the cooldown ends, as a first attempt; held again it replaces the earlier hold; a resolve cancels it")
    func heldByCooldown() {
        var retries = CommandRetries()
        var held = command("a")
        held.held = .init(cooldownMillis: 10_000, confirmation: nil)
        retries.hold(held, untilMillis: 12_000)
        retries.hold(held, untilMillis: 13_000)
        #expect(retries.pending.count == 1)
        #expect(retries.nextDueMillis == 13_000)
        #expect(retries.takeDue(nowMillis: 12_999).isEmpty)
        let due = retries.takeDue(nowMillis: 13_000)
        #expect(due.map(\.attempts) == [1])
        #expect(due.first?.held?.cooldownMillis == 10_000)
        retries.hold(held, untilMillis: 20_000)
        retries.cancel(alertID: "a")
        #expect(retries.pending.isEmpty)
    }
}
