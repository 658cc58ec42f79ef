import Foundation
import TestSupport
import Testing

/// The core's device registry from what a real edge forwards: messages a device numbered but
/// never sent show as missing, a device whose clock is a minute ahead is flagged, and a core
/// restarted since the edge defined its series still names them (from its store).
@Suite("Device registry at the core (integration)", .serialized, .timeLimit(.minutes(3)))
struct DeviceRegistryIntegrationTests {
    static func devices(_ core: RealCore, _ query: String = "") -> [[String: Any]] {
        guard let body = HTTPGet.fetch(port: core.port, path: "/api/v1/devices\(query)")?.body,
            let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        else { return [] }
        return object["devices"] as? [[String: Any]] ?? []
    }

    static func device(_ core: RealCore, _ name: String) -> [String: Any]? {
        devices(core).first { $0["device"] as? String == name }
    }

    @Test("seq gaps count as missing, a clock a minute ahead is flagged, and a restarted core keeps the registry and still names the devices")
    func registryFollowsWhatArrives() async throws {
        let broker = try await MosquittoBroker()
        let core = try RealCore()
        try await core.start()
        let edge = try EdgeProcess(
            brokerPort: broker.port, spool: "batch_max_age: 200ms",
            extra: "forward: {urls: [\"\(core.url)\"], token_file: edge.token, timeout: 2s, backoff: {initial: 50ms, max: 500ms}}")
        try (core.token + "\n").write(toFile: edge.directory.file("edge.token"), atomically: true, encoding: .utf8)
        try await edge.start()

        // press-1 numbers 30 messages and 5 never leave it (seq 10...14).
        let pressTopic = "factory/seoul/line1/press-1/temperature"
        try await Publisher.publishBulk(port: broker.port, count: 10, qos: 1, topics: [pressTopic], firstSeq: 0)
        try await Publisher.publishBulk(port: broker.port, count: 15, qos: 1, topics: [pressTopic], firstSeq: 15)
        // kiln-1's clock runs a minute ahead; pump-1 sends no time at all (the edge stamps it).
        for seq in 0..<6 {
            try await AlertTest.publish(broker, device: "kiln-1", value: 700, ts: Int64(Date().timeIntervalSince1970 * 1_000) + 60_000, seq: seq)
            try await AlertTest.publish(broker, device: "pump-1", sensor: "pressure", value: 3, seq: seq)
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(await eventually(timeout: .seconds(15)) {
            (Self.device(core, "press-1")?["readings"] as? Int) == 25 && (Self.device(core, "kiln-1")?["readings"] as? Int) == 6
                && (Self.device(core, "pump-1")?["readings"] as? Int) == 6
        }, "\(Self.devices(core))")

        let press = try #require(Self.device(core, "press-1"))
        #expect((press["seq"] as? [String: Any])?["missing"] as? Int == 5)
        #expect((press["seq"] as? [String: Any])?["highest"] as? Int == 29)
        #expect((press["sensors"] as? [[String: Any]])?.first?["name"] as? String == "temperature")
        #expect(press["edge"] as? String == "test-edge")
        #expect(press["silent"] as? Bool == false)
        let kilnClock = try #require(Self.device(core, "kiln-1")?["clock"] as? [String: Any])
        #expect(kilnClock["off"] as? Bool == true)
        let offset = try #require(kilnClock["offset_ms"] as? Int)
        #expect(abs(offset - 60_000) < 1_500, "\(kilnClock)")
        let pumpClock = try #require(Self.device(core, "pump-1")?["clock"] as? [String: Any])
        #expect(pumpClock["off"] as? Bool == false)
        #expect(abs(pumpClock["offset_ms"] as? Int ?? .max) < 1_000, "\(pumpClock)")
        #expect(Self.devices(core, "?state=clock_off").compactMap { $0["device"] as? String } == ["kiln-1"])
        #expect(Self.devices(core, "?state=missing").compactMap { $0["device"] as? String } == ["press-1"])
        #expect(core.metric("haetae_core_devices", labels: #"state="clock_off""#) == 1)
        #expect(core.metric("haetae_core_device_messages_missing") == 5)
        #expect(HTTPGet.fetch(port: core.port, path: "/api/v1/devices?state=bogus")?.status == 400)
        #expect(HTTPGet.fetch(port: core.port, path: "/api/v1/devices?limit=0")?.status == 400)

        // The core restarts: it kept the registry at shutdown and restores it; the edge's next
        // batches name their series by keys only, which the registry learns from the store.
        let firstSeen = try #require(press["first_seen"] as? String)
        #expect(await core.stop() == 0)
        try await core.start()
        #expect(await eventually(timeout: .seconds(15)) { (Self.device(core, "press-1")?["readings"] as? Int) == 25 }, "\(Self.devices(core))")
        try await Publisher.publishBulk(port: broker.port, count: 5, qos: 1, topics: [pressTopic], firstSeq: 30)
        #expect(await eventually(timeout: .seconds(15)) { (Self.device(core, "press-1")?["readings"] as? Int) == 30 }, "\(Self.devices(core))")
        let after = try #require(Self.device(core, "press-1"))
        #expect(after["first_seen"] as? String == firstSeen)
        #expect((after["seq"] as? [String: Any])?["missing"] as? Int == 5)
        #expect((after["seq"] as? [String: Any])?["highest"] as? Int == 34)
        #expect((Self.device(core, "kiln-1")?["clock"] as? [String: Any])?["off"] as? Bool == true)
        #expect(HTTPGet.fetch(port: core.port, path: "/api/v1/devices")?.body.contains(#""unresolved_readings":0"#) == true)
        #expect(await edge.stop() == 0)
        #expect(await core.stop() == 0)
    }
}
