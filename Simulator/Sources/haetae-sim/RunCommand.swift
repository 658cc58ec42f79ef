import ArgumentParser
import Dispatch
import Foundation
import Logging
import MQTT
import SimulatorCore
import SimulatorEngine

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Publish a scenario to a broker; always stops by itself (duration or count), SIGINT stops early. Writes the report.")

    @Option(help: "A built-in scenario (smoke, seoul, gwangju, stress) or a scenario YAML file.")
    var scenario: String = "smoke"
    @Option(help: "mqtt://host:port or mqtts://host:port.")
    var broker: String = "mqtt://127.0.0.1:1883"
    @Option(help: "Total readings per second (overrides the scenario's rate).")
    var rate: Double?
    @Option(help: "Stop after this long, e.g. 30s, 5m (default: the scenario's duration).")
    var duration: String?
    @Option(help: "Stop after this many readings.")
    var count: Int64?
    @Option(help: "Parallel MQTT connections (devices are dealt over them).")
    var connections: Int = 4
    @Option(help: "QoS 0 or 1 (default: the scenario's).")
    var qos: Int?
    @Option(help: "QoS 1 messages awaiting PUBACK per connection.")
    var window: Int = 1_000
    @Option(help: "Seed for values, hazards and faults (default: the scenario's).")
    var seed: UInt64?
    @Option(help: "Write the JSON report here.")
    var report: String?
    @Option(help: "MQTT protocol: 5 or 3.1.1.")
    var `protocol`: String = "3.1.1"
    @Option(help: "Client id prefix (each connection appends -N).")
    var clientID: String = "haetae-sim"
    @Option(help: "Username for the broker.") var username: String?
    @Option(help: "File holding the broker password (or set HAETAE_SIM_PASSWORD).") var passwordFile: String?
    @Option(help: "CA file to verify the broker (TLS).") var caFile: String?
    @Option(help: "Client certificate (TLS).") var certFile: String?
    @Option(help: "Client key (TLS).") var keyFile: String?
    @Flag(help: "No progress line.") var quiet = false

    func validate() throws {
        guard (1...64).contains(connections) else { throw ValidationError("--connections must be 1 to 64") }
        if let qos, !(0...1).contains(qos) { throw ValidationError("--qos must be 0 or 1") }
        if let rate, !(rate > 0) { throw ValidationError("--rate must be > 0 readings/s") }
        if let count, count <= 0 { throw ValidationError("--count must be > 0") }
        guard window > 0 else { throw ValidationError("--window must be > 0") }
    }

    func run() async throws {
        let scenario: Scenario
        do {
            scenario = try Scenario.resolve(self.scenario)
        } catch {
            throw SimFailure(message: "\(error)")
        }
        let plan = ScenarioPlan(scenario: scenario, seed: seed, totalRate: rate)
        let seconds: Double
        if let duration {
            guard let parsed = Units.seconds(duration), parsed > 0 else { throw SimFailure(message: "--duration \(duration): use e.g. 30s, 5m") }
            seconds = parsed
        } else {
            seconds = scenario.duration
        }
        let qos = self.qos ?? min(scenario.qos, 1)
        let url = try BrokerURL(broker)
        var logger = Logger(label: "haetae.sim")
        logger.logLevel = .warning
        let mqtt = try mqttConfiguration(url)
        let connections = min(self.connections, max(1, plan.devices.count))
        let settings = SimulationSettings(
            mqtt: mqtt, connections: connections, qos: qos, window: window, messageRate: plan.messagesPerSecond,
            readingLimit: count ?? .max, duration: .nanoseconds(Int64(seconds * 1e9)))

        let started = Date()
        let runner = try SimulationRunner(settings: settings, devices: plan.devices.count, logger: logger) { index, count in
            ScenarioSource(plan: plan, connection: index, connections: count)
        }
        let interrupted = InterruptFlag()
        signal(SIGINT, SIG_IGN)
        let sigint = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        sigint.setEventHandler {
            interrupted.set()
            runner.stop()
        }
        sigint.resume()

        let progress = ProgressLine(plannedReadings: count, plannedDuration: .nanoseconds(Int64(seconds * 1e9)))
        FileHandle.standardError.write(Data("haetae-sim: \(scenario.name) → \(url.host):\(url.port), \(plan.devices.count) devices, \(connections) connections, QoS \(qos), target \(Int(plan.totalRate)) readings/s, \(count.map { "\($0) readings or " } ?? "")\(seconds)s\n".utf8))
        let tally = await runner.run { [quiet] tally, elapsed in
            if !quiet { progress.draw(tally, elapsed: elapsed) }
        }
        sigint.cancel()
        if !quiet { progress.finish() }

        let stoppedBy = interrupted.isSet ? "sigint" : (count.map { tally.readings >= $0 } ?? false) ? "count" : "duration"
        let result = SimulationReport(
            plan: plan, tally: tally, broker: "\(url.tls ? "mqtts" : "mqtt")://\(url.host):\(url.port)", qos: qos,
            connections: connections, started: started, stoppedBy: stoppedBy)
        print("sent \(result.sentTotal) readings in \(result.messagesTotal) messages over \(result.durationS)s: \(Int(result.achievedRate)) readings/s, \(result.errors) errors, \(result.malformed.values.reduce(0, +)) malformed, \(result.hazards.count) hazards (stopped by \(stoppedBy))")
        if let report {
            do {
                try result.write(to: report)
            } catch {
                throw SimFailure(message: "cannot write the report to \(report): \(error)")
            }
        }
        if result.errors > 0 || result.sentTotal == 0 { throw ExitCode.failure }
    }

    private func mqttConfiguration(_ url: BrokerURL) throws -> MQTTConfiguration {
        var password = ProcessInfo.processInfo.environment["HAETAE_SIM_PASSWORD"]
        if let passwordFile {
            do {
                password = try String(contentsOfFile: passwordFile, encoding: .utf8).trimmingCharacters(in: .newlines)
            } catch {
                throw SimFailure(message: "--password-file \(passwordFile): cannot read it")
            }
        }
        var tls: MQTTConfiguration.TLS?
        if url.tls || caFile != nil {
            guard let caFile else { throw SimFailure(message: "mqtts:// needs --ca-file to verify the broker") }
            tls = .init(caFile: caFile, certFile: certFile, keyFile: keyFile)
        }
        let version: MQTTConfiguration.ProtocolVersion
        switch self.protocol {
        case "5", "5.0": version = .v5
        case "3.1.1", "311", "4": version = .v311
        default: throw SimFailure(message: "--protocol \(self.protocol): use 5 or 3.1.1")
        }
        return MQTTConfiguration(
            host: url.host, port: url.port, clientID: clientID, cleanSession: true, keepalive: 30,
            username: username, password: password, tls: tls, protocolVersion: version)
    }
}

/// Set from the SIGINT handler, read at the end.
final class InterruptFlag: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
