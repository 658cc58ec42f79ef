import Foundation
import TestSupport
import Testing

@Suite("Operations surface (integration)", .serialized, .timeLimit(.minutes(3)))
struct OperationsIntegrationTests {
    @Test("healthz, readyz and metrics answer; readyz follows the broker connection")
    func probesFollowTheBroker() async throws {
        let broker = try await MosquittoBroker()
        let edge = try EdgeProcess(brokerPort: broker.port)
        try await edge.start()
        #expect(HTTPGet.fetch(port: edge.httpPort, path: "/healthz")?.status == 200)
        #expect(HTTPGet.fetch(port: edge.httpPort, path: "/readyz")?.status == 200)
        let metrics = edge.metrics()
        for name in [
            "haetae_messages_received_total", "haetae_readings_spooled_total", "haetae_spool_bytes",
            "haetae_spool_readings", "haetae_spool_dropped_total", "haetae_mqtt_connected",
        ] {
            #expect(metrics.contains(name), "\(name) missing from /metrics")
        }
        #expect(metrics.contains("haetae_messages_rejected_total{reason=\"bad_json\"}"))

        await broker.stop()
        #expect(await eventually(timeout: .seconds(10)) { HTTPGet.fetch(port: edge.httpPort, path: "/readyz")?.status == 503 })
        #expect(HTTPGet.fetch(port: edge.httpPort, path: "/readyz")?.body.contains("mqtt") == true)
        #expect(HTTPGet.fetch(port: edge.httpPort, path: "/healthz")?.status == 200)
        try await broker.restart()
        #expect(await eventually(timeout: .seconds(10)) { HTTPGet.fetch(port: edge.httpPort, path: "/readyz")?.status == 200 })
        #expect(await edge.stop() == 0)
    }

    @Test("spool stats --json and spool dump work while the gateway runs")
    func spoolCommandsWhileRunning() async throws {
        let broker = try await MosquittoBroker()
        let edge = try EdgeProcess(brokerPort: broker.port)
        try await edge.start()
        try await Publisher.publish(port: broker.port, topic: "factory/seoul/line1/press-07/temperature", payload: "{\"ts\":1732400000123,\"value\":71.25,\"unit\":\"C\"}", qos: 1)
        try await Publisher.publish(port: broker.port, topic: "factory/seoul/line1/press-07", payload: "{\"ts\":1732400000500,\"vibration\":3.5,\"rpm\":1200}", qos: 1)
        #expect(await eventually { (try? edge.spoolStats()?.readings) == 3 })

        let stats = try JSONSerialization.jsonObject(with: Data(try await edge.command(["spool", "stats", "--json"]).utf8)) as? [String: Any]
        #expect(stats?["readings"] as? Int == 3)
        #expect(stats?["batches"] as? Int != nil)
        #expect(stats?["bytes"] as? Int ?? 0 > 0)
        #expect(stats?["oldest_ts"] as? Int == 1_732_400_000_123)

        let dump = try await edge.command(["spool", "dump"]).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
        #expect(dump.count == 3)
        #expect(dump.first?["site"] as? String == "seoul")
        #expect(dump.first?["device"] as? String == "press-07")
        #expect(dump.first?["sensor"] as? String == "temperature")
        #expect(dump.first?["unit"] as? String == "C")
        #expect(dump.first?["value"] as? Double == 71.25)
        #expect(Set(dump.compactMap { $0["sensor"] as? String }) == ["temperature", "vibration", "rpm"])
        #expect(await edge.stop() == 0)
    }

    @Test("config check accepts a good config and rejects a bad one naming file, line and key")
    func configCheck() async throws {
        let edge = try EdgeProcess(brokerPort: 1883)
        let ok = try await edge.command(["config", "check"])
        #expect(ok.contains("config ok"))

        let bad = edge.directory.file("bad.yaml")
        try "edge: {id: a, site: s}\nspool:\n  on_full: explode\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let child = try ChildProcess(edge.binary, ["config", "check", "--config", bad])
        #expect(await child.waitForExit(timeout: .seconds(10)) == 1)
        #expect(child.output().contains("\(bad):3: spool.on_full: expected one of drop-oldest, block, got \"explode\""))
    }

    @Test("connects over TLS to a broker with a test CA")
    func tlsConnection() async throws {
        let authority = try await TestCertificateAuthority()
        let broker = try await MosquittoBroker(options: .init(tls: .init(authority: authority)))
        let tlsPort = try #require(broker.tlsPort)
        let edge = try EdgeProcess(brokerPort: tlsPort, mqtt: "tls: {ca_file: \(authority.caCertificate)}")
        try await edge.start()
        try await Publisher.publish(port: broker.port, topic: "factory/seoul/line1/press-01/temperature", payload: "42.5", qos: 1)
        #expect(await eventually { (try? edge.spooledReadings().map(\.value)) == [42.5] })
        #expect(await edge.stop() == 0)
    }

    @Test("a TLS broker the CA does not vouch for is refused, and readiness says why")
    func tlsWrongAuthority() async throws {
        let authority = try await TestCertificateAuthority()
        let other = try await TestCertificateAuthority()
        let broker = try await MosquittoBroker(options: .init(tls: .init(authority: authority)))
        let edge = try EdgeProcess(brokerPort: try #require(broker.tlsPort), mqtt: "tls: {ca_file: \(other.caCertificate)}")
        try await edge.start(waitReady: false)
        try await Task.sleep(for: .seconds(1))
        let ready = HTTPGet.fetch(port: edge.httpPort, path: "/readyz")
        #expect(ready?.status == 503)
        #expect(await edge.stop() == 0)
    }

    @Test("username and password from a file; the password never appears in the log")
    func passwordAuthentication() async throws {
        let broker = try await MosquittoBroker(options: .init(users: ["gateway": "pa55-w0rd-xyz"]))
        let directory = try TemporaryDirectory()
        try "pa55-w0rd-xyz\n".write(toFile: directory.file("pw"), atomically: true, encoding: .utf8)
        let edge = try EdgeProcess(brokerPort: broker.port, mqtt: "username: gateway\npassword_file: \(directory.file("pw"))")
        try await edge.start()
        try await Publisher.publish(
            port: broker.port, topic: "factory/seoul/line1/press-01/temperature", payload: "7", qos: 1,
            extraArguments: ["-u", "gateway", "-P", "pa55-w0rd-xyz"])
        #expect(await eventually { (try? edge.spooledReadings().count) == 1 })
        #expect(await edge.stop() == 0)
        #expect(!edge.output().contains("pa55-w0rd-xyz"))
    }

    @Test("retained messages replayed on subscribe are skipped and counted, live ones are taken")
    func retainedReplaysAreSkipped() async throws {
        let broker = try await MosquittoBroker()
        try await Publisher.publish(port: broker.port, topic: "factory/seoul/line1/press-01/temperature", payload: "11", qos: 1, retain: true)
        let edge = try EdgeProcess(brokerPort: broker.port)
        try await edge.start()
        #expect(await eventually { edge.metric("haetae_messages_retained_skipped_total") == 1 })
        try await Publisher.publish(port: broker.port, topic: "factory/seoul/line1/press-01/temperature", payload: "22", qos: 1, retain: true)
        #expect(await eventually { (try? edge.spooledReadings().map(\.value)) == [22] })
        #expect(await edge.stop() == 0)
    }

    @Test("a broker that grants less than QoS 1 keeps the edge not ready, saying why")
    func downgradedSubscriptionIsNotReady() async throws {
        let broker = try await MosquittoBroker(options: .init(extraLines: ["max_qos 0"]))  // a listener setting
        let edge = try EdgeProcess(brokerPort: broker.port)
        try await edge.start(waitReady: false)
        #expect(await eventually(timeout: .seconds(10)) {
            HTTPGet.fetch(port: edge.httpPort, path: "/readyz")?.body.contains("granted QoS 0") == true
        })
        #expect(HTTPGet.fetch(port: edge.httpPort, path: "/readyz")?.status == 503)
        #expect(await edge.stop() == 0)
    }

    @Test("when the ops port is taken the edge exits with an error instead of hanging")
    func opsPortTakenExits() async throws {
        let broker = try await MosquittoBroker()
        let first = try EdgeProcess(brokerPort: broker.port)
        try await first.start()
        let second = try EdgeProcess(brokerPort: broker.port, extra: "")
        let config = try String(contentsOfFile: second.configPath, encoding: .utf8)
            .replacingOccurrences(of: "127.0.0.1:\(second.httpPort)", with: "127.0.0.1:\(first.httpPort)")
        try config.write(toFile: second.configPath, atomically: true, encoding: .utf8)
        try await second.start(waitReady: false)
        let status = await second.child?.waitForExit(timeout: .seconds(20))
        #expect(status != nil && status != 0, "\(second.output())")
        #expect(await first.stop() == 0)
    }
}
