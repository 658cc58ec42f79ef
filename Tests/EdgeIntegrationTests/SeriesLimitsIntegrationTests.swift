import Foundation
import TestSupport
import Testing

/// Series limits on a real edge: a device with too many keys is refused, idle series are
/// forgotten, and the rules keep working on the renumbered series.
@Suite("Series limits (integration)", .serialized, .timeLimit(.minutes(4)))
struct SeriesLimitsIntegrationTests {
    static let rules = """
        rules:
          - name: hot
            match: {sensor: temperature}
            when: value > 100
            severity: critical
        """

    @Test("a 20-key device object is refused past max_series_per_device; an idle series is forgotten and comes back; rules still alert after the renumbering")
    func limitsAndForgetting() async throws {
        let broker = try await MosquittoBroker()
        let edge = try EdgeProcess(
            brokerPort: broker.port, rules: Self.rules,
            extra: "ingest: {max_series_per_device: 8, series_idle: 6s}")
        try await edge.start()

        let rogue = "{" + (0..<20).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        try await Publisher.publish(port: broker.port, topic: "factory/seoul/line1/rogue-01", payload: rogue, qos: 1)
        try await AlertTest.publish(broker, device: "furnace-09", value: 1)
        try await AlertTest.publish(broker, device: "press-01", value: 1)
        #expect(await eventually { edge.metric("haetae_messages_rejected_total", labels: #"reason="device_series_limit""#) == 1 })
        #expect(await eventually { edge.metric("haetae_series") == 2 })

        // press-01 keeps reporting (each publish spawns mosquitto_pub: seconds apart at worst in
        // the parallel phase, well under 6 s); furnace-09 goes quiet and is forgotten after 6 s.
        var value = 2.0
        let forgotten = await eventually(timeout: .seconds(60), poll: .milliseconds(300)) {
            try? await AlertTest.publish(broker, device: "press-01", value: value)
            value += 1
            return edge.metric("haetae_series_forgotten_total") == 1
        }
        #expect(forgotten, "\(edge.metrics())")
        #expect(await eventually { edge.metric("haetae_series") == 1 })

        // The rule engine was rebuilt on the new ids: press-01 (now id 0) still alerts.
        try await AlertTest.publish(broker, device: "press-01", value: 150)
        #expect(await eventually { edge.alerts().compactMap { $0["device"] as? String } == ["press-01"] }, "\(edge.alerts())")
        // furnace-09 comes back as a new series; its readings land under its own name.
        try await AlertTest.publish(broker, device: "furnace-09", value: 5)
        #expect(await eventually { edge.metric("haetae_series") == 2 })
        #expect(await edge.stop() == 0)
        let readings = try edge.spooledReadings()
        #expect(readings.filter { $0.series.device == "furnace-09" }.map(\.value) == [1, 5])
        #expect(readings.filter { $0.series.device == "press-01" }.map(\.value) == (1...Int(value - 1)).map(Double.init) + [150])
        #expect(readings.allSatisfy { $0.series.sensor == "temperature" })
    }
}
