@testable import Edge
import Testing

@Suite("Stop commands that close the loop")
struct CommandLoopTests {
    static func command(_ alertID: String = "a1", retries: Int = 2, at: Int64 = 1_000) -> CommandLoop.Waiting {
        CommandLoop.Waiting(
            alertID: alertID, rule: "overpressure", site: "seoul", line: "line1", device: "pump-3", topic: "factory/seoul/line1/pump-3/cmd",
            payload: #"{"cmd":"stop"}"#, qos: 1, confirmTopic: Array("factory/seoul/line1/pump-3/state".utf8), confirmPayload: Array("stopped".utf8),
            withinMillis: 500, retriesLeft: retries, attempts: 1, firstSentAtMillis: at, deadlineMillis: at + 500, receivers: ["default"])
    }

    static func receive(_ loop: inout CommandLoop, _ topic: String, _ payload: String, at: Int64) -> [CommandLoop.Outcome] {
        Array(topic.utf8).withUnsafeBytes { topic in Array(payload.utf8).withUnsafeBytes { payload in loop.received(topic: topic, payload: payload, nowMillis: at) } }
    }

    @Test("the reply on the confirmation topic containing the expected text confirms the command, with the time since the first send; other messages do not")
    func confirmedByItsReply() {
        var loop = CommandLoop()
        #expect(!loop.isWaiting)
        loop.sent(Self.command())
        #expect(loop.isWaiting && loop.nextDeadlineMillis == 1_500)
        #expect(Self.receive(&loop, "factory/seoul/line1/pump-3/state", #"{"state":"running"}"#, at: 1_100).isEmpty)
        #expect(Self.receive(&loop, "factory/seoul/line1/pump-4/state", "stopped", at: 1_100).isEmpty, "another device")
        #expect(Self.receive(&loop, "factory/seoul/line1/pump-3/state/x", "stopped", at: 1_100).isEmpty, "topics match exactly")
        let outcomes = Self.receive(&loop, "factory/seoul/line1/pump-3/state", #"{"state":"stopped","rpm":0}"#, at: 1_340)
        #expect(outcomes == [.confirmed(Self.command(), afterMillis: 340)])
        #expect(!loop.isWaiting)
    }

    @Test("without a reply within `within` it is sent again, `retries` times, then escalated; a late reply still ends it")
    func resentThenEscalated() {
        var loop = CommandLoop()
        loop.sent(Self.command(retries: 2))
        #expect(loop.advance(nowMillis: 1_499).isEmpty)
        guard case .resend(let second)? = loop.advance(nowMillis: 1_500).first else { Issue.record("no resend"); return }
        #expect(second.attempts == 2 && second.deadlineMillis == 2_000)
        guard case .resend(let third)? = loop.advance(nowMillis: 2_000).first else { Issue.record("no second resend"); return }
        #expect(third.attempts == 3)
        guard case .escalate(let escalated)? = loop.advance(nowMillis: 2_500).first else { Issue.record("no escalation"); return }
        #expect(escalated.attempts == 3 && escalated.escalatedAtMillis == 2_500)
        #expect(loop.advance(nowMillis: 99_000).isEmpty, "escalated once")
        #expect(loop.nextDeadlineMillis == nil && loop.isWaiting, "still listening for the reply")
        let late = Self.receive(&loop, "factory/seoul/line1/pump-3/state", "stopped", at: 4_000)
        #expect(late == [.confirmed(escalated, afterMillis: 3_000)])
        #expect(!loop.isWaiting)
    }

    @Test("when its alert resolves a command is no longer waited for")
    func endsWithItsAlert() {
        var loop = CommandLoop()
        loop.sent(Self.command("a1"))
        loop.sent(Self.command("a2"))
        #expect(loop.resolved(alertID: "a1").map(\.alertID) == ["a1"])
        #expect(loop.waiting.map(\.alertID) == ["a2"])
        #expect(loop.resolved(alertID: "a1").isEmpty)
    }

    @Test("a command of one rule to one topic within the cooldown is not admitted; another topic or rule is; 0 is no cooldown")
    func cooldown() {
        var loop = CommandLoop()
        #expect(loop.admit(rule: "r", topic: "t1", cooldownMillis: 30_000, nowMillis: 0) == nil)
        #expect(loop.admit(rule: "r", topic: "t1", cooldownMillis: 30_000, nowMillis: 29_999) == 29_999)
        #expect(loop.admit(rule: "r", topic: "t2", cooldownMillis: 30_000, nowMillis: 1) == nil)
        #expect(loop.admit(rule: "q", topic: "t1", cooldownMillis: 30_000, nowMillis: 1) == nil)
        #expect(loop.admit(rule: "r", topic: "t1", cooldownMillis: 30_000, nowMillis: 30_000) == nil)
        #expect(loop.admit(rule: "r", topic: "t1", cooldownMillis: 0, nowMillis: 30_001) == nil)
    }

    @Test("bounded: past the capacity the oldest wait is given up and counted")
    func bounded() {
        var loop = CommandLoop()
        for index in 0...CommandLoop.capacity { loop.sent(Self.command("a\(index)")) }
        #expect(loop.waiting.count == CommandLoop.capacity && loop.givenUp == 1)
        #expect(loop.waiting.first?.alertID == "a1")
    }

    @Test("substring search: empty text matches any payload; at the edges; longer than the payload")
    func contains() {
        func check(_ haystack: String, _ needle: String) -> Bool {
            Array(haystack.utf8).withUnsafeBytes { CommandLoop.contains($0, Array(needle.utf8)) }
        }
        #expect(check("anything", ""))
        #expect(check("stopped", "stopped") && check("xstopped", "stopped") && check("stoppedx", "stopped"))
        #expect(!check("stoppe", "stopped") && !check("ststopxped", "stopped") && !check("", "s"))
        #expect(check("sstopped", "stopped"))
    }

    @Test("a takeover keeps the waits of alarms handed back, no longer escalated, and drops the others; replies still find the kept ones")
    func keptAtTakeover() {
        var loop = CommandLoop()
        loop.sent(Self.command("a1", retries: 0))
        var other = Self.command("a2", retries: 0)
        other.confirmTopic = Array("factory/seoul/line1/pump-4/state".utf8)
        loop.sent(other)
        _ = loop.advance(nowMillis: 1_500)
        #expect(loop.waiting.allSatisfy { $0.escalatedAtMillis != nil })
        let dropped = loop.keep(alertIDs: ["a1"])
        #expect(dropped.map(\.alertID) == ["a2"])
        #expect(loop.waiting.map(\.alertID) == ["a1"] && loop.waiting[0].escalatedAtMillis == nil)
        #expect(Self.receive(&loop, "factory/seoul/line1/pump-4/state", "stopped", at: 1_600).isEmpty, "the dropped one's topic is no longer listened for")
        #expect(Self.receive(&loop, "factory/seoul/line1/pump-3/state", "stopped", at: 1_600).count == 1)
    }
}
