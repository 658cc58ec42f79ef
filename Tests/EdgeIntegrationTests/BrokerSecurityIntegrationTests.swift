import Foundation
import TestSupport
import Testing

/// The site broker as shipped (Deploy/mosquitto/mosquitto.conf with the dynamic-security
/// identities that Deploy/security/make-identities writes) in front of a real edge: who may
/// connect, publish and subscribe, checked with mosquitto's own clients and the edge's counters.
@Suite("Site broker security (integration)", .serialized, .timeLimit(.minutes(3)))
struct BrokerSecurityIntegrationTests {
    static let identities = """
        identity,role,subtree
        seoul.line1,line,factory/seoul/line1
        seoul.line2.press-09,device,factory/seoul/line2/press-09
        seoul.line2.press-10,device,factory/seoul/line2/press-10
        haetae-seoul-a,edge,factory
        ops,observer,factory
        """

    /// Runs a mosquitto client to its end: its exit status and everything it printed.
    private func client(_ tool: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let child = try ChildProcess(tool, arguments)
        guard let status = await child.waitForExit(timeout: .seconds(20)) else {
            child.kill()
            throw TestSupportError("\(tool) \(arguments.joined(separator: " ")) did not finish: \(child.output())")
        }
        return (status, child.output())
    }

    /// Publishes one QoS 1 MQTT 5 message as `identity` over TLS; the broker's reason code in the PUBACK.
    private func publish(_ broker: SecureSiteBroker, as identity: String, topic: String, payload: String = #"{"value":21.5}"#) async throws -> Int? {
        let (_, output) = try await client("mosquitto_pub", broker.tlsArguments(as: identity) + ["-V", "mqttv5", "-q", "1", "-d", "-t", topic, "-m", payload])
        // "Client seoul.line1 received PUBACK (Mid: 1, RC:135)"
        guard let range = output.range(of: "received PUBACK (Mid: 1, RC:") else { return nil }
        return Int(output[range.upperBound...].prefix { $0.isNumber })
    }

    private func edge(_ broker: SecureSiteBroker, topics: [String] = ["factory/#"]) throws -> EdgeProcess {
        let (certificate, key) = broker.certificate(of: "haetae-seoul-a")
        return try EdgeProcess(
            brokerPort: broker.tlsPort, clientID: "haetae-seoul-a", topics: topics,
            mqtt: """
                protocol: "5"
                tls: {ca_file: \(broker.caFile), cert_file: \(certificate), key_file: \(key)}
                """)
    }

    @Test("nobody connects without an identity: anonymous, a wrong password, no client certificate, a certificate of another CA, a broker not signed by the CA the client trusts")
    func unknownClientsAreRefused() async throws {
        let broker = try await SecureSiteBroker(identities: Self.identities)
        let plain = ["-h", "127.0.0.1", "-p", "\(broker.port)", "-t", "factory/seoul/line1/press-01/temperature", "-m", "1"]
        #expect(try await client("mosquitto_pub", plain).status != 0, "anonymous on the loopback listener")
        #expect(try await client("mosquitto_pub", plain + ["-u", "ops", "-P", "not-the-password"]).status != 0, "wrong password")
        #expect(try await client("mosquitto_pub", plain + ["-u", "ops", "-P", try broker.password(of: "ops")]).status == 0, "the right password")

        let tls = ["-h", "127.0.0.1", "-p", "\(broker.tlsPort)", "-t", "factory/seoul/line1/press-01/temperature", "-m", "1"]
        #expect(try await client("mosquitto_pub", tls + ["--cafile", broker.caFile]).status != 0, "no client certificate")
        let stranger = try await TestCertificateAuthority(commonName: "Another CA")
        #expect(try await client("mosquitto_pub", tls + [
            "--cafile", broker.caFile, "--cert", stranger.clientCertificate, "--key", stranger.clientKey,
        ]).status != 0, "a client certificate from another CA")
        let (certificate, key) = broker.certificate(of: "seoul.line1")
        #expect(try await client("mosquitto_pub", tls + ["--cafile", stranger.caCertificate, "--cert", certificate, "--key", key]).status != 0,
                "the client does not trust a broker its CA did not sign")
        #expect(try await client("mosquitto_pub", tls + ["--cafile", broker.caFile, "--cert", certificate, "--key", key]).status == 0)
    }

    @Test("a device publishes only its own readings: another device's topic, a command topic, another line or the edge pair's owner record is refused (135) and never reaches the edge")
    func devicesPublishOnlyTheirOwn() async throws {
        let broker = try await SecureSiteBroker(identities: Self.identities)
        let edge = try edge(broker)
        try await edge.start()
        defer { Task { _ = await edge.stop() } }

        // Allowed: each identity under its own subtree (16 = accepted, no subscriber matched is not
        // possible here, the edge reads everything: 0).
        #expect(try await publish(broker, as: "seoul.line2.press-09", topic: "factory/seoul/line2/press-09/temperature") == 0)
        #expect(try await publish(broker, as: "seoul.line1", topic: "factory/seoul/line1/press-01/temperature") == 0)
        #expect(try await publish(broker, as: "seoul.line1", topic: "factory/seoul/line1/press-02/temperature") == 0)
        // Refused: not authorised.
        let refused: [(String, String)] = [
            ("seoul.line2.press-09", "factory/seoul/line2/press-10/temperature"),  // another device
            ("seoul.line2.press-09", "factory/seoul/line2/press-09/cmd"),          // its own command topic
            ("seoul.line2.press-09", "factory/seoul/line1/press-01/temperature"),  // another line
            ("seoul.line1", "factory/seoul/line2/press-09/temperature"),           // a gateway outside its line
            ("seoul.line1", "factory/seoul/line1/press-01/cmd"),                   // a command on its own line
            ("ops", "factory/seoul/line1/press-01/temperature"),                   // an observer only reads
            ("seoul.line2.press-09", "haetae/seoul/owner"),                         // claim the site's session
            ("seoul.line1", "haetae/seoul/heartbeat"),                              // fake the active's heartbeat
        ]
        for (identity, topic) in refused {
            #expect(try await publish(broker, as: identity, topic: topic) == 135, "\(identity) → \(topic)")
        }
        // The last allowed message arrives after every refused one was answered: all were seen by now.
        #expect(try await publish(broker, as: "seoul.line2.press-10", topic: "factory/seoul/line2/press-10/temperature") == 0)
        #expect(await eventually(timeout: .seconds(10)) { edge.metric("haetae_readings_spooled_total") == 4 })
        try await Task.sleep(for: .milliseconds(300))
        #expect(edge.metric("haetae_messages_received_total") == 4)
        #expect(edge.metric("haetae_readings_accepted_total") == 4)
    }

    @Test("a device cannot read the stream, take a share of the edges' shared subscription, or take the edge's session with its client id")
    func devicesCannotReadOrTakeOver() async throws {
        let broker = try await SecureSiteBroker(identities: Self.identities)
        let edge = try edge(broker, topics: ["$share/haetae/factory/#"])
        try await edge.start()
        defer { Task { _ = await edge.stop() } }
        #expect(await eventually { edge.metric("haetae_mqtt_connected") == 1 })

        for filter in ["factory/#", "$share/haetae/factory/#", "factory/seoul/line2/press-10/cmd"] {
            let (_, output) = try await client("mosquitto_sub", broker.tlsArguments(as: "seoul.line2.press-09") + [
                "-V", "mqttv5", "-d", "-t", filter, "-W", "1",
            ])
            #expect(output.contains("Subscribed (mid: 1): 135"), "\(filter): \(output)")
        }
        // Its own command topic is allowed (granted at QoS 0, as asked).
        let own = try await client("mosquitto_sub", broker.tlsArguments(as: "seoul.line2.press-09") + [
            "-V", "mqttv5", "-d", "-t", "factory/seoul/line2/press-09/cmd", "-W", "1",
        ])
        #expect(own.output.contains("Subscribed (mid: 1): 0"), "\(own.output)")

        // A device that tries to join the edges' share while readings flow: the edge gets every one.
        let intruder = try ChildProcess("mosquitto_sub", broker.tlsArguments(as: "seoul.line2.press-09") + [
            "-V", "mqttv5", "-q", "1", "-t", "$share/haetae/factory/#", "-i", "haetae-seoul-a", "-W", "30",
        ])
        defer { intruder.terminate() }
        try await Task.sleep(for: .milliseconds(500))
        let lines = (0..<200).map { #"{"seq":\#($0),"value":\#($0).5}"# }.joined(separator: "\n") + "\n"
        let file = try TemporaryDirectory(prefix: "haetae-lines")
        try lines.write(toFile: file.file("lines.txt"), atomically: true, encoding: .utf8)
        try await ChildProcess.run("/bin/sh", ["-c", (["mosquitto_pub"] + broker.tlsArguments(as: "seoul.line1") + [
            "-V", "mqttv5", "-q", "1", "-t", "factory/seoul/line1/press-01/temperature", "-l",
        ]).map { "'\($0)'" }.joined(separator: " ") + " < '\(file.file("lines.txt"))'"])
        #expect(await eventually(timeout: .seconds(10)) { edge.metric("haetae_readings_spooled_total") == 200 })
        // The intruder connected with the edge's client id, but the broker gave it its own
        // identity as client id: the edge's session was never taken over.
        #expect(edge.metric("haetae_mqtt_disconnects_total") == 0)
        #expect(edge.metric("haetae_mqtt_connects_total") == 1)
        #expect(broker.log().contains("as seoul.line2.press-09"), "\(broker.log().suffix(2_000))")
    }

    @Test("haetae-sim publishes each line as its own identity over TLS: the edge behind the secure broker spools every reading it sent")
    func simulatorPublishesAsItsIdentities() async throws {
        let sim = try BuiltProducts.executable("haetae-sim")
        let lines = try await ChildProcess.run(sim, ["scenario", "identities", "seoul", "--per", "line"])
        #expect(lines.hasPrefix("identity,role,subtree\nseoul.line1,line,factory/seoul/line1\n"), "\(lines)")
        let broker = try await SecureSiteBroker(identities: lines + "haetae-seoul-a,edge,factory\nops,observer,factory\n")
        let edge = try edge(broker)
        try await edge.start()
        defer { Task { _ = await edge.stop() } }
        let directory = try TemporaryDirectory()
        let (certificate, key) = broker.certificate(of: "ops")
        try await ChildProcess.run(sim, [
            "run", "--scenario", "seoul", "--broker", "mqtts://127.0.0.1:\(broker.tlsPort)", "--ca-file", broker.caFile,
            "--cert-file", certificate, "--key-file", key,
            "--identities", "\(broker.identitiesDirectory)/identities.csv", "--identity-certs", broker.certificates,
            "--count", "3000", "--qos", "1", "--quiet", "--report", directory.file("report.json"),
        ], timeout: .seconds(60))
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.file("report.json")))) as? [String: Any])
        let sent = try #require(report["sent_total"] as? Int)
        #expect(report["connections"] as? Int == 2, "one connection per line identity")
        #expect(report["errors"] as? Int == 0)
        #expect(await eventually(timeout: .seconds(20)) { edge.metric("haetae_readings_spooled_total") == Double(sent) })
        #expect(broker.log().contains("as seoul.line1") && broker.log().contains("as seoul.line2"))
    }
}
