import Foundation
import MQTT
import TestSupport
import Testing

@Suite("Publishing and stopping", .timeLimit(.minutes(2)))
struct ControlTests {
    @Test("a message published by the client arrives at mosquitto_sub", arguments: [MQTTConfiguration.ProtocolVersion.v311, .v5])
    func publishArrives(version: MQTTConfiguration.ProtocolVersion) async throws {
        let broker = try await MosquittoBroker()
        let subscriber = try ChildProcess(
            "mosquitto_sub", ["-h", "127.0.0.1", "-p", "\(broker.port)", "-t", "factory/+/+/+/cmd", "-q", "1", "-C", "1", "-v"])
        let running = try RunningClient(.test(port: broker.port, version: version, subscriptions: []))
        #expect(await running.waitUntilConnected())
        // From a thread other than the loop's: the loop is woken to send it. Repeated until
        // mosquitto_sub (which may not have subscribed yet) has one and exits.
        let arrived = await eventually(timeout: .seconds(10), poll: .milliseconds(100)) {
            let mid = try? running.client.publish(
                topic: "factory/seoul/line1/press-07/cmd", payload: Array(#"{"cmd":"stop"}"#.utf8), qos: 1)
            #expect(mid != nil && mid! > 0)
            return await subscriber.waitForExit(timeout: .milliseconds(100)) != nil
        }
        #expect(arrived)
        #expect(subscriber.standardOutput().contains(#"factory/seoul/line1/press-07/cmd {"cmd":"stop"}"#))
        await running.stop()
    }

    @Test("requestStop makes run return promptly: connected, waiting to reconnect, or before run starts")
    func stopIsPrompt() async throws {
        let broker = try await MosquittoBroker()
        let running = try RunningClient(.test(port: broker.port), pollInterval: .seconds(5))
        #expect(await running.waitUntilConnected())
        let clock = ContinuousClock()
        let started = clock.now
        #expect(await running.stop(timeout: .seconds(2)))
        // Half the 5 s poll interval: proves the wake pipe interrupts it, with room for a busy
        // machine (1.09 s seen while the whole suite ran on 2 cores).
        #expect(clock.now - started < .milliseconds(2_500), "the wake pipe interrupts a long poll interval")
        #expect(running.handler.states.last == .disconnected(reason: "stopped"))

        // Nobody listens on this port: the client is between attempts.
        let waiting = try RunningClient(.test(port: FreePort.allocate()), pollInterval: .seconds(5))
        #expect(await eventually {
            if case .disconnected = waiting.client.connectionState { true } else { false }
        })
        #expect(await waiting.stop(timeout: .seconds(1)))

        let client = try MQTTClient(configuration: .test(port: broker.port), logger: .init(label: "test"))
        client.requestStop()
        let handler = RecordingHandler()
        let before = clock.now
        client.run(handler: handler)  // returns at once
        #expect(clock.now - before < .seconds(1))
        #expect(client.connectionState == .disconnected(reason: "stopped"))
    }

    @Test("a client can run again after a stop")
    func runAgain() async throws {
        let broker = try await MosquittoBroker()
        let running = try RunningClient(.test(port: broker.port, clientID: "haetae-rerun", cleanSession: false))
        #expect(await running.waitUntilConnected())
        #expect(await running.stop())
        let handler = RecordingHandler()
        let thread = Thread { [client = running.client] in client.run(handler: handler) }
        thread.start()
        #expect(await eventually { running.client.connectionState == .connected })
        try await Publisher.publish(port: broker.port, topic: "factory/a/b/c/d", payload: "again", qos: 1)
        #expect(await eventually { handler.messageCount == 1 })
        running.client.requestStop()
        #expect(await eventually { running.client.connectionState == .disconnected(reason: "stopped") })
    }
}
