import Foundation
import Logging
import MQTT
import Synchronization
import TestSupport

/// An ``MQTTClient`` running on its own thread, as the gateway runs it.
final class RunningClient: Sendable {
    let client: MQTTClient
    let handler: RecordingHandler
    let logs: CapturedLogs
    private let finished = Atomic<Bool>(false)

    convenience init(_ configuration: MQTTConfiguration, handler: RecordingHandler = RecordingHandler(), pollInterval: Duration = .milliseconds(10)) throws {
        let logs = CapturedLogs()
        self.init(client: try MQTTClient(configuration: configuration, logger: logs.logger()), logs: logs, handler: handler, pollInterval: pollInterval)
    }

    /// Runs a client prepared by the test (a will, a hold set before it first connects).
    init(client: MQTTClient, logs: CapturedLogs = CapturedLogs(), handler: RecordingHandler = RecordingHandler(), pollInterval: Duration = .milliseconds(10)) {
        self.logs = logs
        self.handler = handler
        self.client = client
        let thread = Thread { [self] in
            client.run(handler: handler, pollInterval: pollInterval)
            finished.store(true, ordering: .releasing)
        }
        thread.start()
    }

    deinit {
        client.requestStop()
    }

    var hasReturned: Bool { finished.load(ordering: .acquiring) }

    func waitUntilConnected(timeout: Duration = .seconds(10)) async -> Bool {
        await eventually(timeout: timeout) { client.connectionState == .connected }
    }

    /// Requests a stop and waits for `run` to return.
    @discardableResult
    func stop(timeout: Duration = .seconds(5)) async -> Bool {
        client.requestStop()
        return await eventually(timeout: timeout, poll: .milliseconds(5)) { hasReturned }
    }
}

extension MQTTConfiguration {
    /// A test configuration for a broker on 127.0.0.1.
    static func test(
        port: Int, clientID: String = "test-\(UUID().uuidString.prefix(8))", version: ProtocolVersion = .v311,
        subscriptions: [String] = ["factory/#"], qos: Int = 1, cleanSession: Bool = true
    ) -> MQTTConfiguration {
        MQTTConfiguration(
            host: "127.0.0.1", port: port, clientID: clientID, cleanSession: cleanSession, keepalive: 10,
            protocolVersion: version, subscriptions: subscriptions, qos: qos,
            reconnect: ReconnectPolicy(initialDelay: .milliseconds(100), maxDelay: .seconds(1)))
    }
}

extension MQTTConfiguration.ProtocolVersion {
    /// The number `mosquitto_pub -V` / paho use.
    var level: Int { self == .v5 ? 5 : 4 }
}
