import MQTT
import TestSupport
import Testing

@Suite("Sessions and reconnection", .timeLimit(.minutes(3)))
struct SessionTests {
    @Test(
        "a persistent session receives every QoS 1 message published while the client was away",
        arguments: [MQTTConfiguration.ProtocolVersion.v311, .v5])
    func persistentSession(version: MQTTConfiguration.ProtocolVersion) async throws {
        let broker = try await MosquittoBroker()
        let configuration = MQTTConfiguration.test(
            port: broker.port, clientID: "haetae-persistent-\(version.level)", version: version, cleanSession: false)

        let before = try RunningClient(configuration)
        #expect(await before.waitUntilConnected())
        #expect(await before.stop())
        #expect(before.client.connectionState == .disconnected(reason: "stopped"))

        try await Publisher.publishBulk(
            port: broker.port, count: 1000, qos: 1, topics: ["factory/seoul/line1/press-01/temperature"],
            protocolVersion: version.level)

        let after = try RunningClient(configuration)
        #expect(await eventually(timeout: .seconds(20)) { after.handler.messageCount >= 1000 })
        #expect(Set(after.handler.sequenceNumbers) == Set(0..<1000), "\(after.handler.messageCount) received")
        await after.stop()
    }

    @Test("an MQTT 5 session with expiry 0 ends at disconnect: the expiry property is what keeps it")
    func v5SessionExpiryMatters() async throws {
        let broker = try await MosquittoBroker()
        var configuration = MQTTConfiguration.test(
            port: broker.port, clientID: "haetae-expiry-0", version: .v5, cleanSession: false)
        configuration.sessionExpiryInterval = 0
        let before = try RunningClient(configuration)
        #expect(await before.waitUntilConnected())
        #expect(await before.stop())
        try await Publisher.publishBulk(
            port: broker.port, count: 10, qos: 1, topics: ["factory/a/b/c/d"], protocolVersion: 5)
        let after = try RunningClient(configuration)
        #expect(await after.waitUntilConnected())
        try await Task.sleep(for: .milliseconds(300))
        #expect(after.handler.messageCount == 0)
        await after.stop()
    }

    @Test("a clean-session member of a shared subscription that stops gracefully leaves the group first: the other member gets the rest, nothing is dropped")
    func sharedMemberLeavesBeforeStop() async throws {
        let broker = try await MosquittoBroker()
        func member(_ name: String, delayMicros: UInt32) throws -> RunningClient {
            try RunningClient(
                .test(port: broker.port, clientID: name, version: .v5, subscriptions: ["$share/haetae/factory/#"], cleanSession: true),
                handler: RecordingHandler(delayMicros: delayMicros))
        }
        // The leaving member is slow, so the broker has handed it more than it has read when it stops.
        let leaving = try member("haetae-leaving", delayMicros: 300)
        let staying = try member("haetae-staying", delayMicros: 0)
        #expect(await leaving.waitUntilConnected())
        #expect(await staying.waitUntilConnected())

        let count = 20_000
        let publishing = Task {
            try await Publisher.publishBulk(port: broker.port, count: count, qos: 1, topics: ["factory/seoul/line1/press-01/temperature"], protocolVersion: 5)
        }
        #expect(await eventually(timeout: .seconds(30), poll: .milliseconds(5)) { leaving.handler.messageCount >= 1_000 })
        #expect(await leaving.stop(timeout: .seconds(20)))
        #expect(leaving.logs.all.contains { $0.contains("MQTT unsubscribed before stopping") }, "the leave ended on the UNSUBACK, not the deadline")
        try await publishing.value
        #expect(await eventually(timeout: .seconds(20)) { leaving.handler.messageCount + staying.handler.messageCount >= count })

        let left = leaving.handler.sequenceNumbers
        let stayed = staying.handler.sequenceNumbers
        #expect(left.count >= 1_000 && stayed.count > 0, "both took a share")
        #expect(Set(left).isDisjoint(with: Set(stayed)))
        let missing = Set(0..<count).subtracting(left + stayed)
        #expect(missing.isEmpty, "\(missing.count) missing; \(left.count) + \(stayed.count) of \(count) received")
        await staying.stop()
    }

    @Test("after a broker restart the client reconnects by itself and receives again")
    func brokerRestart() async throws {
        let broker = try await MosquittoBroker()
        let running = try RunningClient(.test(port: broker.port, clientID: "haetae-restart", cleanSession: false))
        #expect(await running.waitUntilConnected())
        try await Publisher.publish(port: broker.port, topic: "factory/s/l/d/t", payload: "1", qos: 1)
        #expect(await eventually { running.handler.messageCount == 1 })

        await broker.stop()
        #expect(await eventually {
            if case .disconnected = running.client.connectionState { return true } else { return false }
        })
        try await broker.restart()
        #expect(await running.waitUntilConnected(timeout: .seconds(15)), "\(running.client.connectionState)")

        try await Publisher.publish(port: broker.port, topic: "factory/s/l/d/t", payload: "2", qos: 1)
        #expect(await eventually { running.handler.messageCount == 2 })
        #expect(running.handler.messages.map(\.payload) == ["1", "2"])

        let states = running.handler.states
        let lastDisconnect = states.lastIndex { if case .disconnected = $0 { true } else { false } }
        let lastConnect = states.lastIndex(of: .connected)
        #expect(lastDisconnect != nil && lastConnect != nil && lastDisconnect! < lastConnect!, "\(states)")
        await running.stop()
    }

    @Test("the client keeps retrying while no broker listens, and connects once one does")
    func brokerLate() async throws {
        let broker = try await MosquittoBroker()
        await broker.stop()
        let running = try RunningClient(.test(port: broker.port))
        #expect(await eventually {
            if case .disconnected = running.client.connectionState { return true } else { return false }
        })
        try await Task.sleep(for: .milliseconds(300))
        try await broker.restart()
        #expect(await running.waitUntilConnected(timeout: .seconds(15)))
        await running.stop()
    }
}
