import Foundation
import Logging
import MQTT
import SimulatorCore
import Synchronization

/// Subscribes to the devices' command topics (`--watch-commands`, e.g. `factory/+/+/+/cmd`) and
/// notes every command the edge publishes, with when it arrived, for ``AlertMatcher``.
/// Runs its own MQTT connection on its own thread.
final class CommandWatcher: MQTTMessageHandler, Sendable {
    let client: MQTTClient
    private let commands = Mutex<[AlertVerification.Command]>([])
    private let connected = Atomic<Bool>(false)

    init(configuration: MQTTConfiguration, filter: String, logger: Logger) throws {
        var configuration = configuration
        configuration.clientID += "-commands"
        configuration.cleanSession = true
        configuration.subscriptions = [filter]
        configuration.qos = 1
        client = try MQTTClient(configuration: configuration, logger: logger)
    }

    var received: [AlertVerification.Command] { commands.withLock { $0 } }
    var isConnected: Bool { connected.load(ordering: .relaxed) }

    func start() {
        let thread = Thread { self.client.run(handler: self) }
        thread.name = "haetae-sim-commands"
        thread.start()
    }

    func stop() {
        client.requestStop()
    }

    func handleMessage(topic: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer, qos: Int, retained: Bool) {
        let now = AlertReceiver.wallMicros()
        // factory/{site}/{line}/{device}/cmd: the device is the three levels before the last.
        let levels = String(decoding: topic, as: UTF8.self).split(separator: "/", omittingEmptySubsequences: false)
        guard levels.count >= 4 else { return }
        let (site, line, device) = (String(levels[levels.count - 4]), String(levels[levels.count - 3]), String(levels[levels.count - 2]))
        let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any]
        let command = AlertVerification.Command(site: site, line: line, device: device, rule: object?["rule"] as? String, receivedAtMicros: now)
        commands.withLock { $0.append(command) }
    }

    func handleIdle(nowNanos: UInt64) {}

    func handleConnectionState(_ state: MQTTConnectionState) {
        connected.store(state == .connected, ordering: .relaxed)
    }
}
