@testable import Edge
import Readings
import Testing

@Suite("Held-back alarms: announced when their shelf ends")
struct HeldBackAlarmsTests {
    static func point(_ device: String) -> AlarmPoint {
        AlarmPoint(rule: "line-pressure", site: "seoul", line: "line1", device: device, sensor: "pressure")
    }

    static func notice(_ id: String, device: String, kind: AlertKind, annotations: [String: String]) -> [UInt8] {
        AlertCodec.encode(AlertNotice(kind: kind, atMillis: 1_000, alert: Alert(
            id: id, rule: "line-pressure", severity: "warning", site: "seoul", line: "line1", device: device, sensor: "pressure",
            value: 150, startedAtMillis: 1_000, annotations: annotations, edge: "seoul-a")))
    }

    @Test("released are the alarms no longer suppressed; they stay held until taken as announced; a resolve forgets one")
    func releaseTakeForget() {
        var held = HeldBackAlarms()
        held.hold(alertID: "a", point: Self.point("pump-1"), why: "shelved until x")
        held.hold(alertID: "b", point: Self.point("pump-2"), why: "out of service")
        held.hold(alertID: "c", point: Self.point("pump-3"), why: "shelved until y")
        let released = held.released { $0.device == "pump-2" }
        #expect(released == ["a", "c"])
        #expect(held.count == 3, "held until announced")
        let first = held.take(alertID: "a")
        let second = held.take(alertID: "a")
        #expect(first == "shelved until x")
        #expect(second == nil, "announced once")
        held.forget(alertID: "c")
        #expect(held.released { _ in false } == ["b"])
    }

    @Test("at most maxHeld are kept; one already held can be held again")
    func bounded() {
        var held = HeldBackAlarms()
        for index in 0..<HeldBackAlarms.maxHeld { held.hold(alertID: "\(index)", point: Self.point("p"), why: "") }
        let beyond = held.hold(alertID: "one-more", point: Self.point("p"), why: "")
        let again = held.hold(alertID: "0", point: Self.point("p"), why: "again")
        #expect(!beyond)
        #expect(again)
        #expect(held.count == HeldBackAlarms.maxHeld)
    }

    @Test("after a restart, the firing alarms whose latest notice was silenced are held again; heard, resolved and damaged ones are not")
    func rebuiltFromNotifications() {
        var held = HeldBackAlarms()
        held.hold(alertID: "stale", point: Self.point("pump-9"), why: "")
        held.replace(withFiring: [
            Self.notice("a", device: "pump-1", kind: .firing, annotations: ["silenced": "shelved until 2026-12-07T10:00:00.000Z"]),
            Self.notice("b", device: "pump-2", kind: .repeat, annotations: ["silenced": "out of service"]),
            Self.notice("c", device: "pump-3", kind: .firing, annotations: ["summary": "heard"]),
            Self.notice("d", device: "pump-4", kind: .resolved, annotations: ["silenced": "out of service"]),
            Array("not json".utf8),
        ], annotation: "silenced")
        #expect(held.held == [
            "a": .init(point: Self.point("pump-1"), why: "shelved until 2026-12-07T10:00:00.000Z"),
            "b": .init(point: Self.point("pump-2"), why: "out of service"),
        ])
    }
}
