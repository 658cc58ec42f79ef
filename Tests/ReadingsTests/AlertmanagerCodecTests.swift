import Readings
import Testing

@Suite("Alertmanager form of an alert")
struct AlertmanagerCodecTests {
    static let alert = Alert(
        id: "55e4872b2f373195", rule: "overheat", severity: "critical", site: "seoul", line: "line1", device: "press-03",
        sensor: "temperature", value: 151.2, startedAtMillis: 1_796_628_588_515,
        labels: ["team": "melt", "2nd-shift": "lee", "site": "not-this", "empty": ""], annotations: ["summary": "hot"], edge: "seoul-a")

    @Test("firing: stable labels (the alarm's own win over a rule's, names made Prometheus names, empty ones left out), an open end")
    func firing() {
        let text = String(decoding: AlertmanagerCodec.encode(AlertNotice(kind: .firing, atMillis: 1_796_628_588_515, alert: Self.alert)), as: UTF8.self)
        #expect(text == #"[{"annotations":{"alert_id":"55e4872b2f373195","edge":"seoul-a","summary":"hot","value":"151.2"},"endsAt":"9999-12-31T00:00:00.000Z","labels":{"_2nd_shift":"lee","alertname":"overheat","device":"press-03","line":"line1","sensor":"temperature","severity":"critical","site":"seoul","team":"melt"},"startsAt":"2026-12-07T07:29:48.515Z"}]"#)
    }

    @Test("resolved: the same labels, its end; a device-wide alert has no sensor label")
    func resolved() {
        var alert = Self.alert
        alert.endedAtMillis = 1_796_628_600_000
        alert.sensor = ""
        alert.value = nil
        let text = String(decoding: AlertmanagerCodec.encode(AlertNotice(kind: .resolved, atMillis: 1_796_628_600_000, alert: alert)), as: UTF8.self)
        #expect(text.contains(#""endsAt":"2026-12-07T07:30:00.000Z""#))
        #expect(!text.contains("sensor") && !text.contains(#""value""#))
    }

    @Test("label names", arguments: [("team", "team"), ("shift-lead", "shift_lead"), ("9lives", "_9lives"), ("", "_"), ("구역", "__")])
    func labelNames(_ name: String, _ expected: String) {
        #expect(AlertmanagerCodec.labelName(name) == expected)
    }
}
