@testable import MQTT
import Testing

@Suite("Session state machine")
struct SessionStateMachineTests {
    let policy = ReconnectPolicy(initialDelay: .seconds(1), maxDelay: .seconds(8), multiplier: 2, jitter: 0)
    let second: UInt64 = 1_000_000_000

    @Test("the first connect attempt is due at once")
    func firstAttemptDue() {
        let machine = SessionStateMachine(policy: policy)
        #expect(machine.isConnectDue(nowNanos: 0))
        #expect(machine.state == .connecting)
    }

    @Test("CONNACK with subscriptions waits for SUBACK before reporting connected")
    func connectedAfterSuback() {
        var machine = SessionStateMachine(policy: policy)
        _ = machine.connectStarted()
        let (subscribe, report) = machine.connackReceived(refusal: nil, hasSubscriptions: true)
        #expect(subscribe && report == nil)
        machine.subscribeSent(mid: 7)
        #expect(machine.subscribeAcknowledged(mid: 6) == nil, "another SUBACK does not count")
        #expect(machine.subscribeAcknowledged(mid: 7) == .connected)
        #expect(machine.phase == .connected)
    }

    @Test("a refused CONNACK is the reported reason, not the connection loss that follows")
    func refusalIsTheReason() {
        var machine = SessionStateMachine(policy: policy)
        _ = machine.connectStarted()
        _ = machine.connackReceived(refusal: "CONNACK failed (code 5): not authorised", hasSubscriptions: true)
        let report = machine.connectionLost("connection lost", nowNanos: 10 * second, jitter: 0)
        #expect(report == .disconnected(reason: "CONNACK failed (code 5): not authorised"))
        #expect(machine.phase == .waiting(untilNanos: 11 * second))
    }

    @Test("failures back off exponentially and a connection resets the backoff")
    func backoffAcrossAttempts() {
        var machine = SessionStateMachine(policy: policy)
        var waits: [UInt64] = []
        for _ in 0..<3 {
            _ = machine.connectStarted()
            _ = machine.connectFailed("refused", nowNanos: 0, jitter: 0)
            if case .waiting(let until) = machine.phase { waits.append(until) }
        }
        #expect(waits == [1 * second, 2 * second, 4 * second])
        _ = machine.connectStarted()
        _ = machine.connackReceived(refusal: nil, hasSubscriptions: false)
        #expect(machine.state == .connected)
        _ = machine.connectionLost("lost", nowNanos: 0, jitter: 0)
        #expect(machine.phase == .waiting(untilNanos: 1 * second))
    }

    @Test("stopping a connected session sends DISCONNECT, then stops when the socket closes")
    func stopConnected() {
        var machine = SessionStateMachine(policy: policy)
        _ = machine.connectStarted()
        _ = machine.connackReceived(refusal: nil, hasSubscriptions: false)
        let (action, _) = machine.stopRequested(nowNanos: 0, grace: second)
        #expect(action == .sendDisconnect)
        #expect(machine.connectionLost("disconnected", nowNanos: 0, jitter: 0) == .disconnected(reason: "stopped"))
        #expect(machine.phase == .stopped)
    }

    @Test("stopping while waiting to reconnect finishes at once; a slow DISCONNECT is cut at the deadline")
    func stopWaitingAndDeadline() {
        var waiting = SessionStateMachine(policy: policy)
        _ = waiting.connectStarted()
        _ = waiting.connectFailed("refused", nowNanos: 0, jitter: 0)
        #expect(waiting.stopRequested(nowNanos: 0, grace: second).0 == .finish)
        #expect(waiting.phase == .stopped)

        var slow = SessionStateMachine(policy: policy)
        _ = slow.connectStarted()
        _ = slow.connackReceived(refusal: nil, hasSubscriptions: false)
        _ = slow.stopRequested(nowNanos: 0, grace: second)
        #expect(slow.stopDeadlinePassed(nowNanos: second / 2) == nil)
        #expect(slow.stopDeadlinePassed(nowNanos: second) == .disconnected(reason: "stopped"))
    }
}
