import ArgumentParser
import Dispatch
import Foundation
import Logging
import MQTT
import NIOSSL
import Readings
import Webhooks
import SimulatorCore
import SimulatorEngine

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Publish a scenario to a broker; always stops by itself (duration or count), SIGINT stops early. Writes the report.")

    @Option(help: "A built-in scenario (smoke, seoul, gwangju, stress) or a scenario YAML file (default: smoke).")
    var scenario: String?
    @Option(help: "Replay a recorded NDJSON file instead of a scenario (mosquitto_sub -F %J lines, or readings as `haetae-edge spool dump` writes them).")
    var replay: String?
    @Option(help: "Replay at this multiple of the recorded pace (ignored with --rate).")
    var speed: Double = 1
    @Option(help: "mqtt://host:port or mqtts://host:port.")
    var broker: String = "mqtt://127.0.0.1:1883"
    @Option(help: "Total readings per second (overrides the scenario's rate; messages per second for --replay).")
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
    @Option(help: "Publish each device as the broker identity that covers it (identity,role,subtree CSV from Deploy/security/make-identities): one connection per device or line identity, instead of --connections.")
    var identities: String?
    @Option(help: "With --identities: the make-certs folder with IDENTITY.crt/.key per identity (and ca.crt): each connection presents its identity's certificate (mqtts).")
    var identityCerts: String?
    @Option(help: "With --identities: the folder with a password file per identity (make-identities' passwords/): each connection logs in with its identity's name and password.")
    var identityPasswords: String?
    @Option(help: "Receive the edge's alert webhooks here (host:port), verify them and match them to the hazards.")
    var webhookListen: String?
    @Option(help: "The whsec_… secret the edge signs webhooks with (or --webhook-secret-file).") var webhookSecret: String?
    @Option(help: "File holding the webhook secret.") var webhookSecretFile: String?
    @Option(help: "Serve the webhooks over HTTPS with this PEM certificate (and --webhook-tls-key).") var webhookTlsCert: String?
    @Option(help: "The key of --webhook-tls-cert.") var webhookTlsKey: String?
    @Option(help: "Subscribe to the edge's commands here and time them (with --webhook-listen; \"none\" to skip).")
    var watchCommands: String = "factory/+/+/+/cmd"
    @Option(help: "After publishing, wait this long at most for the alerts of every hazard.") var alertWait: String = "15s"
    @Option(help: "An alert still counts for a hazard this long after the hazard ended.") var alertGrace: String = "5s"
    @Option(help: "After publishing, wait for this haetae-core (http://host:port) to catch up, then report per device what it stored: sent vs stored, lost, duplicated (from seq), publish→stored latency.")
    var verifyCore: String?
    @Option(help: "File holding the core's read token (or set HAETAE_SIM_CORE_TOKEN); none for a core that allows loopback reads.")
    var coreTokenFile: String?
    @Option(help: "With --verify-core https://…: the CA that signed the core's certificate.")
    var coreCaFile: String?
    @Option(help: "With --verify-core: wait this long at most for the core to catch up.") var verifyWait: String = "120s"
    @Option(help: "With --verify-core: stop waiting once the core's count has not moved for this long.") var verifyIdle: String = "15s"
    @Flag(help: "No progress line.") var quiet = false

    func validate() throws {
        guard (1...64).contains(connections) else { throw ValidationError("--connections must be 1 to 64") }
        if let qos, !(0...1).contains(qos) { throw ValidationError("--qos must be 0 or 1") }
        if let rate, !(rate > 0) { throw ValidationError("--rate must be > 0 readings/s") }
        if let count, count <= 0 { throw ValidationError("--count must be > 0") }
        guard window > 0 else { throw ValidationError("--window must be > 0") }
        if replay != nil && scenario != nil { throw ValidationError("--replay and --scenario exclude each other") }
        guard speed > 0 && speed.isFinite else { throw ValidationError("--speed must be > 0") }
        if identities != nil && replay != nil { throw ValidationError("--identities works with scenarios, not --replay") }
        if identities != nil && (identityCerts == nil) == (identityPasswords == nil) {
            throw ValidationError("--identities needs one of --identity-certs or --identity-passwords")
        }
    }

    func run() async throws {
        let url = try BrokerURL(broker)
        let mqtt = try mqttConfiguration(url)
        var logger = Logger(label: "haetae.sim")
        logger.logLevel = .warning
        let started = Date()
        let startWallMillis = Int64(started.timeIntervalSince1970 * 1_000)

        let verifier = try await startAlertVerification(mqtt: mqtt, logger: logger)
        let coreVerifier = try verifyCore.map { try CoreVerifier(url: $0, tokenFile: coreTokenFile, caFile: coreCaFile) }
        do {
            try await run(verifier: verifier, coreVerifier: coreVerifier, mqtt: mqtt, url: url, logger: logger, started: started, startWallMillis: startWallMillis)
        } catch {
            await coreVerifier?.shutdown()
            throw error
        }
        await coreVerifier?.shutdown()
    }

    private func run(
        verifier: AlertVerifier?, coreVerifier: CoreVerifier?, mqtt: MQTTConfiguration, url: BrokerURL, logger: Logger, started: Date,
        startWallMillis: Int64
    ) async throws {
        let verifyWaitSeconds = try optionSeconds(verifyWait, "--verify-wait")
        let verifyIdleSeconds = try optionSeconds(verifyIdle, "--verify-idle")

        // What to publish: a scenario (ground truth from its plan) or a recording.
        let source: SimulationReport.Source
        let seconds: Double
        let settings: SimulationSettings
        let tally: ConnectionTally
        let interrupted: Bool
        let qos: Int
        // The core's count of the devices' readings before the run (nil: not reachable then).
        var baseline: Int64?
        var skewMillis: Int64 = 0
        if let replay {
            let recording: Recording
            do {
                recording = try Recording.load(path: replay)
            } catch {
                throw SimFailure(message: "\(error)")
            }
            let plan = ReplayPlan(recording: recording, topicTemplate: try TopicTemplate())
            let span = Double(recording.spanMillis) / 1_000 / speed
            seconds = try durationSeconds(default: rate == nil ? span + 30 : 3_600)
            qos = self.qos ?? 1
            source = .init(name: "replay:\(recording.name)", seed: 0, targetRate: rate ?? 0, devices: plan.devices, hazards: [])
            let connections = min(self.connections, max(1, plan.devices.count))
            var replaySettings = SimulationSettings(
                mqtt: mqtt, connections: connections, qos: qos, window: window, messageRate: rate ?? 0,
                readingLimit: count ?? .max, duration: .nanoseconds(Int64(seconds * 1e9)))
            replaySettings.tracksDelivery = coreVerifier != nil
            settings = replaySettings
            baseline = await coreVerifier?.storedCount(of: Set(source.devices))
            FileHandle.standardError.write(Data("haetae-sim: replaying \(recording.name) (\(recording.messages.count) messages, \(plan.totalReadings) readings, \(plan.devices.count) devices) → \(url.host):\(url.port), \(connections) connections, QoS \(qos), \(rate.map { "\(Int($0)) messages/s" } ?? "at \(speed)× the recorded pace")\n".utf8))
            let pace = rate == nil ? speed : nil
            (tally, interrupted) = try await publish(settings: settings, devices: plan.devices.count, seconds: seconds, logger: logger) { index, count in
                ReplaySource(plan: plan, connection: index, connections: count, startWallMillis: startWallMillis, speed: pace)
            }
        } else {
            let scenario: Scenario
            do {
                scenario = try Scenario.resolve(self.scenario ?? "smoke")
            } catch {
                throw SimFailure(message: "\(error)")
            }
            let plan = ScenarioPlan(scenario: scenario, seed: seed, totalRate: rate)
            seconds = try durationSeconds(default: scenario.duration)
            qos = self.qos ?? min(scenario.qos, 1)
            source = .init(
                name: scenario.name, seed: plan.seed, targetRate: plan.totalRate,
                devices: plan.devices.map { "\($0.site)/\($0.line)/\($0.name)" }, hazards: plan.groundTruth,
                sensors: plan.devices.map { $0.sensors.map(\.name) },
                clockOffsets: plan.devices.indices.map { plan.clockOffsetMillis(device: $0) },
                numbered: plan.devices.map { $0.payload != .number })
            let shares = try identities.map { try identityShares(path: $0, plan: plan) }
            let connections = shares?.count ?? min(self.connections, max(1, plan.devices.count))
            var scenarioSettings = SimulationSettings(
                mqtt: mqtt, connections: connections, qos: qos, window: window, messageRate: plan.messagesPerSecond,
                readingLimit: count ?? .max, duration: .nanoseconds(Int64(seconds * 1e9)),
                disconnectEvery: scenario.faults.disconnectEvery.map { .nanoseconds(Int64($0 * 1e9)) })
            // Alerts are timed from the publish of the reading that raised them: keep those of hazard devices.
            if verifier != nil { scenarioSettings.watchedDevices = Set(plan.groundTruth.map(\.deviceIndex)) }
            scenarioSettings.tracksDelivery = coreVerifier != nil
            if let shares { scenarioSettings.identities = try shares.map { try identityConfiguration($0.identity, base: mqtt) } }
            settings = scenarioSettings
            skewMillis = Int64(scenario.faults.skewBy * 1_000)
            baseline = await coreVerifier?.storedCount(of: Set(source.devices))
            FileHandle.standardError.write(Data("haetae-sim: \(scenario.name) → \(url.host):\(url.port), \(plan.devices.count) devices, \(connections) connections\(shares == nil ? "" : " (one per identity)"), QoS \(qos), target \(Int(plan.totalRate)) readings/s, \(count.map { "\($0) readings or " } ?? "")\(seconds)s\n".utf8))
            (tally, interrupted) = try await publish(settings: settings, devices: plan.devices.count, seconds: seconds, logger: logger) { index, count in
                if let shares { ScenarioSource(plan: plan, devices: shares[index].devices) }
                else { ScenarioSource(plan: plan, connection: index, connections: count) }
            }
        }

        let publishingEndedMillis = Int64(Date().timeIntervalSince1970 * 1_000)
        let stoppedBy = interrupted ? "sigint" : (count.map { tally.readings >= $0 } ?? false) ? "count"
            : replay != nil && tally.messages > 0 ? "end of recording" : "duration"
        var result = SimulationReport(
            source: source, tally: tally, broker: "\(url.tls ? "mqtts" : "mqtt")://\(url.host):\(url.port)", qos: qos,
            connections: settings.connections, started: started, stoppedBy: stoppedBy)
        if let verifier {
            // Hazards planned after the run ended (a shorter --duration or --count) cannot alert.
            let ran = max(tally.activeSeconds, 0)
            let hazards = source.hazards.filter { $0.startOffset < ran }.map { hazard in
                AlertVerification.Hazard(
                    type: hazard.type.rawValue, rule: hazard.rule, site: hazard.site, line: hazard.line, device: hazard.device,
                    startMillis: startWallMillis + Int64(hazard.startOffset * 1_000), endMillis: startWallMillis + Int64(hazard.endOffset * 1_000))
            }
            var deviceIndex: [String: Int] = [:]
            for (index, key) in source.devices.enumerated() { deviceIndex[key] = index }
            let published = tally.publishedAt
            let sensors = source.sensors
            let verification = await verifier.finish(
                hazards: hazards, wait: try optionSeconds(alertWait, "--alert-wait"), grace: try optionSeconds(alertGrace, "--alert-grace"),
                publishingEndedMillis: publishingEndedMillis,
                publishedAt: { [deviceIndex] alert in
                    // The message that carried the alert's reading: its sensor's own, or the device's.
                    guard let seq = alert.seq, let device = deviceIndex["\(alert.site)/\(alert.line)/\(alert.device)"] else { return nil }
                    let sensor = device < sensors.count ? sensors[device].firstIndex(of: alert.sensor) ?? -1 : -1
                    return published[ConnectionTally.PublishKey(device: device, seq: seq, sensor: sensor)]
                        ?? published[ConnectionTally.PublishKey(device: device, seq: seq, sensor: -1)]
                })
            result.alerts = verification
            print("alerts: \(verification.detected)/\(verification.hazards) hazards detected (recall \(verification.recall)), \(verification.firingAlerts) fired, \(verification.falseAlerts.count) false (precision \(verification.precision)), \(verification.badSignatures) bad signatures; publish→webhook p99 \(verification.webhookLatency.map { "\($0.p99) ms" } ?? "-"), publish→stop command p99 \(verification.stopCommandLatency.map { "\($0.p99) ms" } ?? "-")")
        }
        if let coreVerifier {
            let ledgers = tally.delivery
            let expected = ledgers.reduce(0) { $0 + $1.numbered + $1.unnumbered }
            FileHandle.standardError.write(Data("haetae-sim: waiting for the core at \(coreVerifier.baseURL) to store \(expected) readings…\n".utf8))
            // Only readings stored since the run began, with ts where this run put them (a replay keeps recorded times).
            let window: (from: Int64, to: Int64) = replay != nil
                ? (0, 4_102_444_800_000)
                : (startWallMillis - skewMillis - 3_600_000, Int64(Date().timeIntervalSince1970 * 1_000) + skewMillis + 3_600_000)
            let core = try await verifyCore(
                coreVerifier, devices: source.devices, ledgers: ledgers, baseline: baseline, expected: expected,
                window: window, storedSince: startWallMillis - 2_000, wait: verifyWaitSeconds, idle: verifyIdleSeconds,
                injectedDuplicates: tally.duplicates)
            result.core = core
            if !source.clockOffsets.isEmpty {
                guard let seen = await coreVerifier.registry(of: Set(source.devices)) else {
                    throw SimFailure(message: "--verify-core \(coreVerifier.baseURL): the core did not answer GET /api/v1/devices")
                }
                var check = RegistryCheck()
                for (index, key) in source.devices.enumerated() {
                    let truth = RegistryCheck.Truth(
                        unpublished: index < ledgers.count ? ledgers[index].unpublishedWithin : nil,
                        clockOffsetMillis: source.clockOffsets[index], numbered: source.numbered[index])
                    check.add(device: key, truth: truth, seen: seen[key])
                }
                result.registry = check
                print("device registry: \(check.listed)/\(check.devices) devices listed; seq gaps exact for \(check.seqExact)/\(check.seqCompared) (\(check.unpublished) messages never published, the core counts \(check.coreMissing) missing); clocks off flagged \(check.clockFlagged)/\(check.clockOff), \(check.falseClockFlags.count) false flags")
            }
            print("core: \(core.stored)/\(core.sent) readings stored, \(core.lost) lost, \(core.duplicated) duplicated, \(core.unexpected) unexpected (\(core.caughtUp ? "caught up" : "did not catch up") after \(core.waitedS)s); publish→stored p50 \(core.publishToStored.map { "\($0.p50) ms" } ?? "-"), p99 \(core.publishToStored.map { "\($0.p99) ms" } ?? "-")")
        }
        print("sent \(result.sentTotal) readings in \(result.messagesTotal) messages over \(result.durationS)s: \(Int(result.achievedRate)) readings/s, \(result.errors) errors, \(result.malformed.values.reduce(0, +)) malformed, \(result.disconnects) disconnects, \(result.hazards.count) hazards (stopped by \(stoppedBy))")
        if let report {
            do {
                try result.write(to: report)
            } catch {
                throw SimFailure(message: "cannot write the report to \(report): \(error)")
            }
        }
        if result.errors > 0 || result.messagesTotal == 0 { throw ExitCode.failure }
        if let core = result.core, !core.isExact { throw ExitCode.failure }
    }

    /// Waits for the core, then compares what it stored with each device's ledger.
    private func verifyCore(
        _ core: CoreVerifier, devices: [String], ledgers: [DeliveryLedger], baseline: Int64?, expected: Int64,
        window: (from: Int64, to: Int64), storedSince: Int64, wait: Double, idle: Double, injectedDuplicates: Int64
    ) async throws -> CoreDeliveryReport {
        let keys = Set(devices)
        let (waited, caughtUp) = await core.waitForCatchUp(devices: keys, baseline: baseline, expected: expected, wait: wait, idle: idle)
        guard let series = await core.series(of: keys) else {
            throw SimFailure(message: "--verify-core \(core.baseURL): the core did not answer GET /api/v1/series")
        }
        var checks: [String: DeliveryCheck] = [:]
        for (index, key) in devices.enumerated() where index < ledgers.count {
            checks[key] = DeliveryCheck(ledger: ledgers[index])
        }
        var latencies: [Int64] = []
        for one in series {
            let key = "\(one.site)/\(one.line)/\(one.device)"
            let delivery = try await core.delivery(series: one, from: window.from, to: window.to, storedSince: storedSince)
            for (seq, storedAt) in zip(delivery.seq, delivery.storedAt) {
                if let micros = checks[key]?.add(seq: seq, storedAtMillis: storedAt) { latencies.append(micros) }
            }
        }
        var total = DeliveryCheck.Result()
        var perDevice: [String: DeliveryCheck.Result] = [:]
        for (key, check) in checks {
            let result = check.result
            guard result.sent > 0 || result.stored > 0 else { continue }
            perDevice[key] = result
            total.add(result)
        }
        return CoreDeliveryReport(
            url: core.baseURL, waitedS: waited, caughtUp: caughtUp, sent: total.sent, stored: total.stored, lost: total.lost,
            duplicated: total.duplicated, unexpected: total.unexpected,
            lostPublishedFirstMillis: total.lostPublishedFirstMillis, lostPublishedLastMillis: total.lostPublishedLastMillis,
            injectedDuplicates: injectedDuplicates,
            perDevice: perDevice, publishToStored: AlertVerifier.percentiles(latencies))
    }

    private func optionSeconds(_ text: String, _ option: String) throws -> Double {
        guard let value = Units.seconds(text), value >= 0 else { throw SimFailure(message: "\(option) \(text): use e.g. 10s") }
        return value
    }

    /// Starts the webhook receiver and the command watcher (with `--webhook-listen`).
    private func startAlertVerification(mqtt: MQTTConfiguration, logger: Logger) async throws -> AlertVerifier? {
        guard let webhookListen else { return nil }
        var secretText = webhookSecret ?? ProcessInfo.processInfo.environment["HAETAE_SIM_WEBHOOK_SECRET"]
        if let webhookSecretFile {
            guard let text = try? String(contentsOfFile: webhookSecretFile, encoding: .utf8) else {
                throw SimFailure(message: "--webhook-secret-file \(webhookSecretFile): cannot read it")
            }
            secretText = text
        }
        guard let secretText else { throw SimFailure(message: "--webhook-listen needs --webhook-secret or --webhook-secret-file") }
        let secret: WebhookSecret
        do {
            secret = try WebhookSecret(parsing: secretText)
        } catch {
            throw SimFailure(message: "webhook secret: \(error)")
        }
        guard let colon = webhookListen.lastIndex(of: ":"), let port = Int(webhookListen[webhookListen.index(after: colon)...]) else {
            throw SimFailure(message: "--webhook-listen \(webhookListen): use host:port, e.g. 127.0.0.1:9000")
        }
        let host = String(webhookListen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        var tls: TLSConfiguration?
        if webhookTlsCert != nil || webhookTlsKey != nil {
            guard let certificate = webhookTlsCert, let key = webhookTlsKey else {
                throw SimFailure(message: "--webhook-tls-cert and --webhook-tls-key go together")
            }
            do {
                tls = TLSConfiguration.makeServerConfiguration(
                    certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                    privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            } catch {
                throw SimFailure(message: "--webhook-tls-cert \(certificate), --webhook-tls-key \(key): not a usable PEM certificate and key (\(error))")
            }
        }
        return try await AlertVerifier.start(
            host: host, port: port, secret: secret, commandFilter: watchCommands == "none" ? nil : watchCommands, mqtt: mqtt, tls: tls,
            logger: logger)
    }

    /// Publishes with one connection per share until done; SIGINT stops early.
    private func publish<Source: MessageSource>(
        settings: SimulationSettings, devices: Int, seconds: Double, logger: Logger, source: (Int, Int) throws -> Source
    ) async throws -> (ConnectionTally, interrupted: Bool) {
        let runner = try SimulationRunner(settings: settings, devices: devices, logger: logger, source: source)
        let interrupted = InterruptFlag()
        signal(SIGINT, SIG_IGN)
        let sigint = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        sigint.setEventHandler {
            interrupted.set()
            runner.stop()
        }
        sigint.resume()
        let progress = ProgressLine(plannedReadings: count, plannedDuration: .nanoseconds(Int64(seconds * 1e9)))
        let tally = await runner.run { [quiet] tally, elapsed in
            if !quiet { progress.draw(tally, elapsed: elapsed) }
        }
        sigint.cancel()
        if !quiet { progress.finish() }
        return (tally, interrupted.isSet)
    }

    /// At most this many identity connections (each is a thread).
    static let maxIdentityConnections = 1_024

    /// Which identity publishes which devices of `plan`.
    private func identityShares(path: String, plan: ScenarioPlan) throws -> [(identity: BrokerIdentities.Identity, devices: [Int])] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SimFailure(message: "--identities \(path): cannot read it")
        }
        do {
            let shares = try BrokerIdentities(csv: text, file: path).assign(plan.devices)
            guard shares.count <= Self.maxIdentityConnections else {
                throw SimFailure(message: "--identities \(path): \(shares.count) identities publish for this scenario, at most \(Self.maxIdentityConnections) connections (use line identities)")
            }
            return shares
        } catch let error as IdentityListError {
            throw SimFailure(message: error.file.isEmpty ? "--identities \(path): \(error)" : "\(error)")
        }
    }

    /// The broker login of one identity: its certificate, or its name and password.
    private func identityConfiguration(_ identity: BrokerIdentities.Identity, base: MQTTConfiguration) throws -> MQTTConfiguration {
        var mqtt = base
        mqtt.clientID = identity.name
        if let directory = identityCerts {
            let certificate = "\(directory)/\(identity.name).crt"
            let key = "\(directory)/\(identity.name).key"
            for file in [certificate, key] where !FileManager.default.isReadableFile(atPath: file) {
                throw SimFailure(message: "--identity-certs: no readable \(file) for identity \(identity.name) (make-certs \(directory) client \(identity.name))")
            }
            mqtt.username = nil
            mqtt.password = nil
            mqtt.tls = .init(caFile: caFile ?? "\(directory)/ca.crt", certFile: certificate, keyFile: key)
        } else if let directory = identityPasswords {
            let file = "\(directory)/\(identity.name)"
            guard let password = try? String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !password.isEmpty else {
                throw SimFailure(message: "--identity-passwords: no password in \(file) for identity \(identity.name)")
            }
            mqtt.username = identity.name
            mqtt.password = password
        }
        return mqtt
    }

    private func durationSeconds(default seconds: Double) throws -> Double {
        guard let duration else { return seconds }
        guard let parsed = Units.seconds(duration), parsed > 0 else { throw SimFailure(message: "--duration \(duration): use e.g. 30s, 5m") }
        return parsed
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
            username: username, password: password, tls: tls, protocolVersion: version,
            // A device reconnects quickly after a drop (the disconnects fault).
            reconnect: ReconnectPolicy(initialDelay: .milliseconds(100), maxDelay: .seconds(5)))
    }
}

/// Set from the SIGINT handler, read at the end.
final class InterruptFlag: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
