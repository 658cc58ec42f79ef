import MQTT
import TestSupport
import Testing

@Suite("Receiving from a real mosquitto", .timeLimit(.minutes(2)))
struct ReceiveTests {
    @Test(
        "messages published by mosquitto_pub arrive with topic, payload and QoS",
        arguments: [MQTTConfiguration.ProtocolVersion.v311, .v5], [0, 1])
    func receives(version: MQTTConfiguration.ProtocolVersion, qos: Int) async throws {
        let broker = try await MosquittoBroker()
        let running = try RunningClient(.test(port: broker.port, version: version, qos: qos))
        #expect(await running.waitUntilConnected(), "\(running.client.connectionState)")

        for index in 0..<3 {
            try await Publisher.publish(
                port: broker.port, topic: "factory/seoul/line1/press-0\(index)/temperature",
                payload: #"{"value":7\#(index).25}"#, qos: qos, protocolVersion: version.level)
        }
        #expect(await eventually { running.handler.messageCount == 3 })
        let messages = running.handler.messages
        #expect(messages.map(\.topic) == (0..<3).map { "factory/seoul/line1/press-0\($0)/temperature" })
        #expect(messages.map(\.payload) == (0..<3).map { #"{"value":7\#($0).25}"# })
        #expect(messages.allSatisfy { $0.qos == qos && !$0.retained })
        #expect(running.handler.idleTicks > 0, "handleIdle is called while the loop runs")
        #expect(await running.stop())
    }

    @Test("a retained message is delivered with retained set; an empty payload is fine")
    func retainedAndEmpty() async throws {
        let broker = try await MosquittoBroker()
        try await Publisher.publish(port: broker.port, topic: "factory/a/b/c/d", payload: "42", qos: 1, retain: true)
        let running = try RunningClient(.test(port: broker.port))
        #expect(await eventually { running.handler.messageCount == 1 })
        #expect(running.handler.messages.first == .init(topic: "factory/a/b/c/d", payload: "42", qos: 1, retained: true))
        try await Publisher.publish(port: broker.port, topic: "factory/a/b/c/e", payload: "", qos: 1)
        #expect(await eventually { running.handler.messageCount == 2 })
        #expect(running.handler.messages.last?.payload == "")
        await running.stop()
    }

    @Test(
        "a shared subscription splits the messages between two clients without duplicates",
        arguments: [MQTTConfiguration.ProtocolVersion.v311, .v5])
    func sharedSubscription(version: MQTTConfiguration.ProtocolVersion) async throws {
        let broker = try await MosquittoBroker()
        let first = try RunningClient(.test(port: broker.port, version: version, subscriptions: ["$share/g/factory/#"]))
        let second = try RunningClient(.test(port: broker.port, version: version, subscriptions: ["$share/g/factory/#"]))
        #expect(await first.waitUntilConnected())
        #expect(await second.waitUntilConnected())

        try await Publisher.publishBulk(
            port: broker.port, count: 400, qos: 1,
            topics: (1...4).map { "factory/seoul/line\($0)/press-01/temperature" }, protocolVersion: version.level)
        #expect(await eventually { first.handler.messageCount + second.handler.messageCount >= 400 })
        try await Task.sleep(for: .milliseconds(100))
        #expect(first.handler.messageCount > 0 && second.handler.messageCount > 0)
        let all = (first.handler.sequenceNumbers + second.handler.sequenceNumbers).sorted()
        #expect(all == Array(0..<400))
        await first.stop()
        await second.stop()
    }
}
