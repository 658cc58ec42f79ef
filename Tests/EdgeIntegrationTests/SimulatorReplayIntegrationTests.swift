import Foundation
import TestSupport
import Testing

/// haetae-sim with stream faults, recorded by a real subscriber, then replayed from the recording.
@Suite("Simulator faults, recording and replay (integration)", .serialized, .timeLimit(.minutes(3)))
struct SimulatorReplayIntegrationTests {
    static let scenario = """
        name: faulty
        seed: 11
        qos: 1
        rate: {per_device: 100}
        duration: 4s
        kinds:
          press:
            payload: object
            sensors:
              temperature: {profile: random-walk, mean: 65, sd: 0.5, reversion: 0.05, min: 20, max: 120, unit: C}
              strokes: {profile: counter, start: 0, step: 1}
          cnc:
            payload: array
            batch: 3
            sensors:
              vibration: {profile: sine, mean: 2.5, amplitude: 0.5, period: 10s, noise: 0.05, unit: mm/s}
        sites:
          - name: seoul
            lines:
              - {name: line1, devices: [{kind: press, count: 4, name: "press-{n:02}"}, {kind: cnc, count: 2, name: "cnc-{n:02}"}]}
        faults:
          duplicates: 0.02
          out_of_order: 0.05
          disconnects: {every: 1s}
        """

    static func report(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    /// Per device (`site/line/device`), the `seq` of every reading in mosquitto_sub `-F %J` lines.
    static func seqs(inRecording text: String) throws -> [String: [Int]] {
        var seqs: [String: [Int]] = [:]
        for line in text.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let topic = try #require(object["topic"] as? String).split(separator: "/")
            let device = topic[1...3].joined(separator: "/")
            let payload = object["payload"]
            let items = (payload as? [[String: Any]]) ?? [(payload as? [String: Any]) ?? [:]]
            for item in items { seqs[device, default: []].append(try #require(item["seq"] as? Int)) }
        }
        return seqs
    }

    @Test("with duplicates, reordering and abrupt disconnects every seq the report names arrives, and a replay of the recording sends the same")
    func faultsThenReplay() async throws {
        let broker = try await MosquittoBroker()
        let directory = try TemporaryDirectory()
        try Self.scenario.write(toFile: directory.file("faulty.yaml"), atomically: true, encoding: .utf8)
        let sim = try BuiltProducts.executable("haetae-sim")

        let recorder = try ChildProcess(
            "mosquitto_sub", ["-h", "127.0.0.1", "-p", "\(broker.port)", "-q", "1", "-t", "factory/#", "-F", "%J", "-W", "60"],
            outputDirectory: directory.path)
        try await Task.sleep(for: .milliseconds(300))
        try await ChildProcess.run(sim, [
            "run", "--scenario", directory.file("faulty.yaml"), "--broker", "mqtt://127.0.0.1:\(broker.port)",
            "--connections", "3", "--quiet", "--report", directory.file("report.json"),
        ], timeout: .seconds(60))
        let report = try Self.report(directory.file("report.json"))
        let messages = try #require(report["messages_total"] as? Int)
        #expect(try #require(report["disconnects"] as? Int) >= 9)
        #expect(try #require(report["duplicates"] as? Int) > 0)
        #expect(await eventually(timeout: .seconds(10)) { recorder.standardOutput().split(separator: "\n").count == messages })
        recorder.terminate()
        let recording = recorder.standardOutput()
        try recording.write(toFile: directory.file("recording.ndjson"), atomically: true, encoding: .utf8)

        // Every seq in each device's range arrived (held-back messages were flushed at the end).
        let ranges = try #require(report["seq_ranges"] as? [String: [Int]])
        let seqs = try Self.seqs(inRecording: recording)
        #expect(Set(seqs.keys) == Set(ranges.keys))
        for (device, range) in ranges {
            #expect(Set(seqs[device] ?? []) == Set(range[0]...range[1]), "\(device)")
        }

        // Replayed flat out from the recording: the same messages again.
        let listener = try ChildProcess(
            "mosquitto_sub", ["-h", "127.0.0.1", "-p", "\(broker.port)", "-q", "1", "-t", "factory/#", "-F", "%J", "-W", "60"],
            outputDirectory: directory.path)
        try await Task.sleep(for: .milliseconds(300))
        try await ChildProcess.run(sim, [
            "run", "--replay", directory.file("recording.ndjson"), "--broker", "mqtt://127.0.0.1:\(broker.port)",
            "--rate", "5000", "--quiet", "--report", directory.file("replay.json"),
        ], timeout: .seconds(60))
        let replay = try Self.report(directory.file("replay.json"))
        #expect(replay["messages_total"] as? Int == messages)
        #expect(replay["sent_total"] as? Int == report["sent_total"] as? Int)
        #expect(replay["per_device"] as? [String: Int] == report["per_device"] as? [String: Int])
        #expect(replay["stopped_by"] as? String == "end of recording")
        #expect(await eventually(timeout: .seconds(10)) { listener.standardOutput().split(separator: "\n").count == messages })
        listener.terminate()
        let replayed = try Self.seqs(inRecording: listener.standardOutput())
        for device in seqs.keys {
            #expect(replayed[device]?.sorted() == seqs[device]?.sorted(), "\(device)")
        }
    }
}
