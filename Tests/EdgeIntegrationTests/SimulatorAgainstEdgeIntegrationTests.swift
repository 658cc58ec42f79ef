import Foundation
import TestSupport
import Testing

/// haetae-sim's report is the ground truth: a running haetae-edge must count exactly what it says.
@Suite("Simulator against the edge (integration)", .serialized, .timeLimit(.minutes(3)))
struct SimulatorAgainstEdgeIntegrationTests {
    static let scenario = """
        name: rejects
        seed: 7
        rate: {total: 4000}
        duration: 20s
        kinds:
          press:
            payload: object
            sensors:
              temperature: {profile: random-walk, mean: 65, sd: 0.5, reversion: 0.05, min: 20, max: 120, unit: C}
          furnace:
            payload: device-object
            sensors:
              temperature: {profile: sine, mean: 800, amplitude: 20, period: 10s, noise: 1, unit: C}
              pressure: {profile: constant, value: 101}
        sites:
          - name: seoul
            lines:
              - {name: line1, devices: [{kind: press, count: 6, name: "press-{n:02}"}]}
              - {name: line2, devices: [{kind: furnace, count: 3, name: "furnace-{n}"}]}
        faults:
          malformed: {fraction: 0.05, kinds: [bad_json, not_numeric, non_finite, topic_shape, too_large, bad_timestamp]}
        """

    @Test("every malformed payload the simulator sends is rejected by a running edge under the reason the report names")
    func edgeCountsWhatTheReportSays() async throws {
        let broker = try await MosquittoBroker()
        let edge = try EdgeProcess(brokerPort: broker.port)
        try await edge.start()
        let directory = try TemporaryDirectory()
        try Self.scenario.write(toFile: directory.file("rejects.yaml"), atomically: true, encoding: .utf8)
        let sim = try BuiltProducts.executable("haetae-sim")
        try await ChildProcess.run(sim, [
            "run", "--scenario", directory.file("rejects.yaml"), "--broker", "mqtt://127.0.0.1:\(broker.port)",
            "--count", "6000", "--qos", "1", "--connections", "3", "--quiet", "--report", directory.file("report.json"),
        ], timeout: .seconds(60))
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.file("report.json")))) as? [String: Any])
        let messages = try #require(report["messages_total"] as? Int)
        let sent = try #require(report["sent_total"] as? Int)
        let malformed = try #require(report["malformed"] as? [String: Int])
        #expect(sent >= 6_000)
        #expect(malformed.count == 6, "every kind should occur in 6,000 readings at 5%: \(malformed)")

        #expect(await eventually(timeout: .seconds(20)) { edge.metric("haetae_messages_received_total") == Double(messages) })
        let metrics = edge.metrics()
        for (kind, count) in malformed {
            #expect(HTTPGet.metric("haetae_messages_rejected_total", labels: "reason=\"\(kind)\"", in: metrics) == Double(count), "\(kind)")
        }
        #expect(await eventually { edge.metric("haetae_readings_spooled_total") == Double(sent) })
        #expect(await edge.stop() == 0)
        // Per device, the spool holds exactly the readings the report says were sent.
        let perDevice = try #require(report["per_device"] as? [String: Int])
        var spooled: [String: Int] = [:]
        for reading in try edge.spooledReadings() {
            spooled["\(reading.series.site)/\(reading.series.line)/\(reading.series.device)", default: 0] += 1
        }
        #expect(spooled == perDevice.filter { $0.value > 0 })
    }
}
