@testable import Edge
import Testing

@Suite("Stop command escalation: one alarm per device")
struct CommandEscalationTests {
    static func waiting(_ alertID: String, rule: String, device: String = "pump-1", topic: String = "factory/seoul/line1/pump-1/cmd") -> CommandLoop.Waiting {
        CommandLoop.Waiting(
            alertID: alertID, rule: rule, site: "seoul", line: "line1", device: device, topic: topic, payload: "stop", qos: 1,
            confirmTopic: Array("factory/seoul/line1/\(device)/state".utf8), confirmPayload: Array("stopped".utf8), withinMillis: 1_000,
            retriesLeft: 0, attempts: 3, firstSentAtMillis: 0, deadlineMillis: 3_000, receivers: ["default"], escalatedAtMillis: 3_000)
    }

    @Test("two rules' unconfirmed commands to one device raise one alarm, which resolves when the last of them ends, with the same id")
    func oneAlarmPerDevice() throws {
        var escalations = CommandEscalation()
        let overpressure = Self.waiting("a1", rule: "overpressure")
        let overheat = Self.waiting("a2", rule: "overheat")
        let first = escalations.escalated(overpressure, atMillis: 3_000)
        let second = escalations.escalated(overheat, atMillis: 3_500)
        let otherDevice = escalations.escalated(Self.waiting("a3", rule: "overheat", device: "pump-2"), atMillis: 3_600)
        let firing = try #require(first)
        #expect(firing.kind == .firing && firing.rule == CommandEscalation.rule && firing.device == "pump-1")
        #expect(second == nil, "the device's alarm is already open")
        #expect(otherDevice != nil, "another device: its own")
        #expect(escalations.count == 2)
        let lateReply = escalations.ended(overpressure, atMillis: 4_000, why: "the reply came late")
        let again = escalations.ended(overpressure, atMillis: 4_000, why: "again")
        #expect(lateReply == nil, "overheat's command is still open")
        #expect(again == nil, "ended once")
        let last = escalations.ended(overheat, atMillis: 5_000, why: "its alert resolved")
        let resolved = try #require(last)
        #expect(resolved.kind == .resolved && resolved.alertID == firing.alertID && resolved.startedAtMillis == 3_000)
        #expect(resolved.annotations["detail"] == "its alert resolved")
        #expect(escalations.count == 1)
    }
}
