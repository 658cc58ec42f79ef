import MQTT
import TestSupport
import Testing

@Suite("Authentication and TLS", .timeLimit(.minutes(2)))
struct SecurityTests {
    static let password = "s3cret-Pa55word-9731"

    @Test("a good username and password connect and receive", arguments: [MQTTConfiguration.ProtocolVersion.v311, .v5])
    func goodPassword(version: MQTTConfiguration.ProtocolVersion) async throws {
        let broker = try await MosquittoBroker(options: .init(users: ["edge": Self.password]))
        var configuration = MQTTConfiguration.test(port: broker.port, version: version)
        configuration.username = "edge"
        configuration.password = Self.password
        let running = try RunningClient(configuration)
        #expect(await running.waitUntilConnected())
        try await Publisher.publish(
            port: broker.port, topic: "factory/a/b/c/d", payload: "ok", qos: 1, protocolVersion: version.level,
            extraArguments: ["-u", "edge", "-P", Self.password])
        #expect(await eventually { running.handler.messageCount == 1 })
        await running.stop()
        #expect(!running.logs.all.joined(separator: "\n").contains(Self.password))
    }

    @Test(
        "a wrong password gives a clear disconnected state, and the password is never logged",
        arguments: [MQTTConfiguration.ProtocolVersion.v311, .v5])
    func wrongPassword(version: MQTTConfiguration.ProtocolVersion) async throws {
        let broker = try await MosquittoBroker(options: .init(users: ["edge": "the-right-one"]))
        var configuration = MQTTConfiguration.test(port: broker.port, version: version)
        configuration.username = "edge"
        configuration.password = Self.password
        let running = try RunningClient(configuration)
        #expect(await eventually {
            if case .disconnected(let reason) = running.client.connectionState { reason.contains("CONNACK") } else { false }
        })
        guard case .disconnected(let reason) = running.client.connectionState else { return }
        #expect(reason.lowercased().contains("refused"))
        #expect(reason.lowercased().contains("authori") || reason.lowercased().contains("password"), "\(reason)")
        await running.stop()
        let everything = running.logs.all + running.handler.states.map(\.description) + [reason, configuration.description]
        #expect(!everything.joined(separator: "\n").contains(Self.password))
        #expect(running.logs.all.contains { $0.contains("refused") })
    }

    @Test("TLS with the test CA connects and receives; a client certificate satisfies require_certificate")
    func tlsConnects() async throws {
        let authority = try await TestCertificateAuthority()
        let broker = try await MosquittoBroker(options: .init(tls: .init(authority: authority, requireCertificate: true)))
        var configuration = MQTTConfiguration.test(port: try #require(broker.tlsPort))
        configuration.tls = .init(
            caFile: authority.caCertificate, certFile: authority.clientCertificate, keyFile: authority.clientKey)
        let running = try RunningClient(configuration)
        #expect(await running.waitUntilConnected(), "\(running.client.connectionState)\n\(broker.log())")
        try await Publisher.publish(port: broker.port, topic: "factory/a/b/c/d", payload: "over tls", qos: 1)
        #expect(await eventually { running.handler.messages.map(\.payload) == ["over tls"] })
        await running.stop()
    }

    @Test("TLS against a server signed by another CA fails clearly and keeps retrying")
    func tlsWrongCA() async throws {
        let authority = try await TestCertificateAuthority()
        let stranger = try await TestCertificateAuthority(commonName: "Some Other CA")
        let broker = try await MosquittoBroker(options: .init(tls: .init(authority: authority)))
        var configuration = MQTTConfiguration.test(port: try #require(broker.tlsPort))
        configuration.tls = .init(caFile: stranger.caCertificate)
        let running = try RunningClient(configuration)
        #expect(await eventually {
            if case .disconnected = running.client.connectionState { true } else { false }
        })
        guard case .disconnected(let reason) = running.client.connectionState else { return }
        #expect(reason.contains("certificate verify failed") || reason.contains("TLS"), "\(reason)")
        try await Task.sleep(for: .milliseconds(300))
        #expect(!running.hasReturned, "it never gives up")
        await running.stop()
    }

    @Test("over TLS a burst far larger than one read-ahead buffer arrives whole at once: nothing waits in OpenSSL's buffer for more traffic")
    func tlsBurstArrivesWhole() async throws {
        let authority = try await TestCertificateAuthority()
        let broker = try await MosquittoBroker(options: .init(tls: .init(authority: authority)))
        var configuration = MQTTConfiguration.test(port: try #require(broker.tlsPort))
        configuration.tls = .init(caFile: authority.caCertificate)
        // No keepalive ping within the test: a record left in OpenSSL's read-ahead buffer would
        // stay there until more data came.
        configuration.keepalive = 60
        // A slow consumer: the burst piles up in the socket, so each read ahead fills OpenSSL's
        // buffer and the last one leaves records behind when the socket is empty.
        let running = try RunningClient(configuration, handler: RecordingHandler(delayMicros: 100))
        #expect(await running.waitUntilConnected(), "\(running.client.connectionState)\n\(broker.log())")
        for round in 0..<3 {
            try await Publisher.publishBulk(port: broker.port, count: 5_000, qos: 1, topics: ["factory/a/b/c/d"], firstSeq: round * 5_000)
            // Well inside the 60 s keepalive (no other traffic could unstick a record before it),
            // and generous for a machine running every other suite at once (one CI-like run
            // had 227 of a burst still on their way after 3 s).
            #expect(await eventually(timeout: .seconds(15), poll: .milliseconds(10)) { running.handler.messageCount == (round + 1) * 5_000 },
                    "round \(round): \(running.handler.messageCount) of \((round + 1) * 5_000)")
        }
        await running.stop()
    }

    @Test("over TLS the PUBACKs and the DISCONNECT leave the write buffer: a persistent session stopped cleanly after a burst gets nothing again")
    func tlsWritesAreFlushed() async throws {
        let authority = try await TestCertificateAuthority()
        let broker = try await MosquittoBroker(options: .init(tls: .init(authority: authority)))
        var configuration = MQTTConfiguration.test(
            port: try #require(broker.tlsPort), clientID: "haetae-tls-flush", cleanSession: false)
        configuration.tls = .init(caFile: authority.caCertificate)
        // No keepalive ping within the test: nothing but the loop's own flush sends the PUBACKs.
        configuration.keepalive = 60
        let first = try RunningClient(configuration)
        #expect(await first.waitUntilConnected(), "\(first.client.connectionState)\n\(broker.log())")
        try await Publisher.publishBulk(port: broker.port, count: 5_000, qos: 1, topics: ["factory/a/b/c/d"])
        #expect(await eventually(timeout: .seconds(10)) { first.handler.messageCount == 5_000 }, "\(first.handler.messageCount)")
        // PUBACKs left in the buffer would be redelivered to the session below.
        try await Task.sleep(for: .milliseconds(200))
        #expect(await first.stop())
        #expect(await eventually { broker.log().contains("Received DISCONNECT from haetae-tls-flush") }, "\(broker.log().suffix(2_000))")

        let second = try RunningClient(configuration)
        #expect(await second.waitUntilConnected())
        try await Publisher.publish(port: broker.port, topic: "factory/a/b/c/d", payload: "after", qos: 1)
        #expect(await eventually { second.handler.messages.map(\.payload).contains("after") })
        #expect(second.handler.messageCount == 1, "redelivered: \(second.handler.messageCount - 1)")
        await second.stop()
    }
}
