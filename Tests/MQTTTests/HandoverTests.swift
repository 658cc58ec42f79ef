import MQTT
import Synchronization
import TestSupport
import Testing

/// What a site's active/standby pair of edges needs from the client: a will, a hold, and no
/// message processed twice when the session moves to another holder.
@Suite("Handing a session over", .timeLimit(.minutes(2)))
struct HandoverTests {
    /// A persistent-session client with a stall probe (200 ms), frozen in its handler on the
    /// first of 2,000 QoS 1 messages published to it.
    static func frozenHolder(clientID: String) async throws -> (MosquittoBroker, MQTTConfiguration, RunningClient) {
        let broker = try await MosquittoBroker()
        var configuration = MQTTConfiguration.test(port: broker.port, clientID: clientID, cleanSession: false)
        configuration.stallProbe = StallProbe(topic: "haetae/test/probe", payload: Array(clientID.utf8), threshold: .milliseconds(200))
        let running = try RunningClient(configuration)
        #expect(await running.waitUntilConnected())
        running.handler.frozen.store(true, ordering: .releasing)
        try await Publisher.publishBulk(port: broker.port, count: 2_000, qos: 1, topics: ["factory/a/b/c/d"])
        return (broker, configuration, running)
    }

    @Test("the will set before a connection is published when that connection is lost, not after a clean disconnect; a new will applies from the next connection")
    func willFollowsTheConnection() async throws {
        let broker = try await MosquittoBroker()
        let watcher = try RunningClient(.test(port: broker.port, subscriptions: ["haetae/test/owner"]))
        #expect(await watcher.waitUntilConnected())
        let prepared = try MQTTClient(configuration: .test(port: broker.port, clientID: "haetae-will"), logger: CapturedLogs().logger())
        prepared.setWill(MQTTWill(topic: "haetae/test/owner", payload: Array("first".utf8), retain: true))
        let client = RunningClient(client: prepared)
        #expect(await client.waitUntilConnected())
        client.client.dropConnection()
        #expect(await eventually { watcher.handler.messages.map(\.payload) == ["first"] }, "\(watcher.handler.messages)")
        #expect(await eventually { client.client.connectionState == .connected })
        // Set while connected: this connection keeps "first", the next one carries "second".
        client.client.setWill(MQTTWill(topic: "haetae/test/owner", payload: Array("second".utf8), retain: true))
        client.client.dropConnection()
        #expect(await eventually { watcher.handler.messages.map(\.payload) == ["first", "first"] }, "\(watcher.handler.messages)")
        #expect(await eventually { client.client.connectionState == .connected })
        client.client.dropConnection()
        #expect(await eventually { watcher.handler.messages.map(\.payload) == ["first", "first", "second"] }, "\(watcher.handler.messages)")
        #expect(await eventually { client.client.connectionState == .connected })
        #expect(await client.stop())
        try await Task.sleep(for: .milliseconds(300))
        #expect(watcher.handler.messages.count == 3, "a clean stop sends no will")
        await watcher.stop()
    }

    @Test("a held client disconnects cleanly and stays away, a client started held never connects, and a released one connects at once")
    func holdAndRelease() async throws {
        let broker = try await MosquittoBroker()
        let watcher = try RunningClient(.test(port: broker.port, subscriptions: ["haetae/test/will"]))
        #expect(await watcher.waitUntilConnected())
        var configuration = MQTTConfiguration.test(port: broker.port, clientID: "haetae-held", cleanSession: false)
        // Reconnect delays far longer than the test waits: only the release can bring it back soon.
        configuration.reconnect = ReconnectPolicy(initialDelay: .seconds(8), maxDelay: .seconds(16))
        let running = try RunningClient(configuration)
        running.client.setWill(MQTTWill(topic: "haetae/test/will", payload: Array("lost".utf8)))
        #expect(await running.waitUntilConnected())
        running.client.setHeld(true)
        #expect(await eventually { running.client.connectionState == .disconnected(reason: "held: another edge holds the session") },
                "\(running.client.connectionState)")
        try await Task.sleep(for: .seconds(2))  // past the first reconnect delays
        #expect(running.client.connectionState != .connected)
        #expect(watcher.handler.messageCount == 0, "held is a clean DISCONNECT: no will")
        let released = ContinuousClock.now
        running.client.setHeld(false)
        #expect(await running.waitUntilConnected())
        #expect(ContinuousClock.now - released < .seconds(4), "connected at once, not after the 8 s reconnect delay")

        let startsHeld = try MQTTClient(configuration: .test(port: broker.port, clientID: "haetae-held-2"), logger: CapturedLogs().logger())
        startsHeld.setHeld(true)
        let second = try RunningClient(client: startsHeld)
        try await Task.sleep(for: .seconds(1))
        #expect(!second.handler.states.contains(.connected), "\(second.handler.states)")
        startsHeld.setHeld(false)
        #expect(await second.waitUntilConnected())
        await second.stop()
        await running.stop()
        await watcher.stop()
    }

    @Test("a frozen holder whose session is taken over processes nothing it reads afterwards: the new holder gets those messages, none is handled twice")
    func frozenHolderLeavesTheRest() async throws {
        let (broker, configuration, first) = try await Self.frozenHolder(clientID: "haetae-site-session")
        defer { withExtendedLifetime(broker) {} }  // the broker stops when released
        #expect(await eventually { first.handler.messageCount == 0 && first.client.connectionState == .connected })
        // The first holder is stuck in its handler with the stream buffered behind it: a
        // second one takes the session over (the broker closes the first connection).
        let second = try RunningClient(configuration)
        #expect(await eventually(timeout: .seconds(20)) { Set(second.handler.sequenceNumbers).count == 2_000 },
                "\(Set(second.handler.sequenceNumbers).count) of 2000 at the new holder")
        try await Task.sleep(for: .milliseconds(400))  // frozen for longer than the stall threshold
        first.handler.frozen.store(false, ordering: .releasing)
        #expect(await eventually { first.client.connectionState != .connected })
        try await Task.sleep(for: .milliseconds(300))
        // The first holder finishes the message it was handling when it froze, and hands over
        // nothing else: everything it read after the broker closed was left for redelivery.
        #expect(first.handler.messageCount <= 1, "\(first.handler.messageCount) processed after the takeover")
        #expect(first.client.messagesLeftForRedelivery > 0, "\(first.logs.all.suffix(10))")
        first.client.setHeld(true)  // as an edge standing by would: do not take the session back
        #expect(await first.stop())
        await second.stop()
    }

    @Test("a client that stalls while it still holds the session hands over everything it held once the broker answers the probe: nothing lost, nothing twice")
    func stalledHolderKeepsEverything() async throws {
        let (broker, _, running) = try await Self.frozenHolder(clientID: "haetae-stalled")
        defer { withExtendedLifetime(broker) {} }  // the broker stops when released
        try await Task.sleep(for: .milliseconds(400))
        running.handler.frozen.store(false, ordering: .releasing)
        #expect(await eventually(timeout: .seconds(10)) { running.handler.messageCount >= 2_000 }, "\(running.handler.messageCount)")
        try await Task.sleep(for: .milliseconds(200))
        #expect(running.handler.sequenceNumbers.sorted() == Array(0..<2_000))
        #expect(running.client.messagesLeftForRedelivery == 0)
        #expect(running.logs.all.contains { $0.contains("stall probe confirmed") }, "\(running.logs.all.suffix(5))")
        await running.stop()
    }
    @Test("a holder stopped or held in the middle of a stream hands the session over exactly: every message it handled was acknowledged before the DISCONNECT, the next holder gets the rest, none twice")
    func cleanStopMidStreamAcknowledgesEverything() async throws {
        let broker = try await MosquittoBroker()
        defer { withExtendedLifetime(broker) {} }  // the broker stops when released
        let configuration = MQTTConfiguration.test(port: broker.port, clientID: "haetae-stopped-mid-stream", cleanSession: false)
        let total = 30_000
        // Five rounds: the broker streams into the socket until it reads the DISCONNECT, so
        // each stop leaves unread messages behind it (the case a plain close() resets).
        var handled: [Int] = []
        let publishing = Task { try await Publisher.publishBulk(port: broker.port, count: total, qos: 1, topics: ["factory/a/b/c/d"]) }
        for round in 0..<5 {
            // Not waiting for `.connected`: a resumed session gets its queue before the SUBACK.
            let holder = try RunningClient(configuration, handler: RecordingHandler(delayMicros: 150))
            let target = handled.count + 3_000
            #expect(await eventually(timeout: .seconds(20)) { handled.count + holder.handler.messageCount >= target }, "round \(round)")
            if round % 2 == 1 {
                // Held (another edge won the site) rather than stopped: the same clean DISCONNECT.
                holder.client.setHeld(true)
                #expect(await eventually { holder.client.connectionState == .disconnected(reason: "held: another edge holds the session") })
            }
            #expect(await holder.stop(), "round \(round)")
            handled += holder.handler.sequenceNumbers
        }
        try await publishing.value
        let last = try RunningClient(configuration)
        #expect(await last.waitUntilConnected())
        #expect(await eventually(timeout: .seconds(20)) { Set(handled + last.handler.sequenceNumbers).count == total })
        try await Task.sleep(for: .milliseconds(300))
        await last.stop()
        handled += last.handler.sequenceNumbers
        let twice = Dictionary(grouping: handled, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        #expect(twice.count == 0, "handled twice, first \(twice.prefix(10))")
        #expect(Set(handled).count == total, "\(Set(handled).count) of \(total)")
    }
    @Test("a holder that lost the session forgets, once held, what it had queued to publish: a stop command queued while it was frozen never goes out on its next session")
    func heldClientDropsQueuedPublishes() async throws {
        let (broker, configuration, first) = try await Self.frozenHolder(clientID: "haetae-stale-acts")
        defer { withExtendedLifetime(broker) {} }  // the broker stops when released
        let command = "factory/line1/press-07/command"
        let watcher = try RunningClient(.test(port: broker.port, subscriptions: [command]))
        #expect(await watcher.waitUntilConnected())
        #expect(await eventually { first.handler.messageCount == 0 && first.client.connectionState == .connected })
        // Its loop is stuck in the handler: the command waits in libmosquitto's queue.
        try first.client.publish(topic: command, payload: Array("stop".utf8), qos: 1)
        let second = try RunningClient(configuration)  // takes the session over
        #expect(await eventually(timeout: .seconds(20)) { Set(second.handler.sequenceNumbers).count == 2_000 })
        // As an edge does once it learns it lost the session; then it resumes.
        first.client.setHeld(true)
        first.handler.frozen.store(false, ordering: .releasing)
        #expect(await eventually { first.client.connectionState != .connected })
        // The command, and the stall probe when it went out before the loss was seen.
        #expect(await eventually { first.client.publishesDiscarded >= 1 }, "\(first.logs.all.suffix(5))")
        // Later it wins the session again: nothing of before goes out, what it publishes now does.
        await second.stop()
        first.client.setHeld(false)
        #expect(await first.waitUntilConnected())
        try first.client.publish(topic: command, payload: Array("fresh".utf8), qos: 1)
        #expect(await eventually { watcher.handler.messageCount >= 1 })
        try await Task.sleep(for: .milliseconds(300))
        #expect(watcher.handler.messages.map(\.payload) == ["fresh"], "the stale command went out")
        await first.stop()
        await watcher.stop()
    }
}
