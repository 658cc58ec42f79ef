import Foundation
import Synchronization

/// A real mosquitto on a free 127.0.0.1 port, with its own directory (config, persistence,
/// password file). Stopped when the object goes away.
///
/// The defaults are the safe settings of DESIGN §4: persistence on, `max_queued_messages 0`,
/// `max_inflight_messages 0` (no broker-side loss for a persistent QoS 1 session),
/// `set_tcp_nodelay true` (no Nagle delay on what it forwards).
///
/// ```swift
/// let broker = try await MosquittoBroker()
/// try await broker.restart()          // same port; persistence keeps sessions
/// ```
public final class MosquittoBroker: Sendable {
    /// A TLS listener on its own port, beside the plain one.
    public struct TLSListener: Sendable {
        public var caFile: String
        public var certFile: String
        public var keyFile: String
        /// Clients must present a certificate signed by `caFile`.
        public var requireCertificate: Bool

        public init(caFile: String, certFile: String, keyFile: String, requireCertificate: Bool = false) {
            self.caFile = caFile
            self.certFile = certFile
            self.keyFile = keyFile
            self.requireCertificate = requireCertificate
        }

        /// The broker side of a ``TestCertificateAuthority``.
        public init(authority: TestCertificateAuthority, requireCertificate: Bool = false) {
            self.init(
                caFile: authority.caCertificate, certFile: authority.serverCertificate,
                keyFile: authority.serverKey, requireCertificate: requireCertificate)
        }
    }

    public struct Options: Sendable {
        /// Global settings that replace the defaults or add to them (`["max_queued_messages": "1000"]`).
        public var settings: [String: String]
        /// Raw lines appended at the end of the configuration.
        public var extraLines: [String]
        /// User name → password; when not empty, a password file is generated and anonymous
        /// clients are refused.
        public var users: [String: String]
        /// Adds a TLS listener (its port is ``MosquittoBroker/tlsPort``).
        public var tls: TLSListener?

        public init(
            settings: [String: String] = [:], extraLines: [String] = [],
            users: [String: String] = [:], tls: TLSListener? = nil
        ) {
            self.settings = settings
            self.extraLines = extraLines
            self.users = users
            self.tls = tls
        }
    }

    /// The plain listener's port on 127.0.0.1.
    public let port: Int
    /// The TLS listener's port, when configured.
    public let tlsPort: Int?
    /// Holds the configuration, persistence database and logs.
    public let directory: TemporaryDirectory
    public let configurationPath: String
    private let process = Mutex<ChildProcess?>(nil)
    private let starts = Mutex(0)

    /// Writes the configuration, starts mosquitto and waits until it accepts connections.
    public init(options: Options = Options()) async throws {
        directory = try TemporaryDirectory(prefix: "haetae-mosquitto")
        port = FreePort.allocate()
        tlsPort = options.tls == nil ? nil : FreePort.allocate()
        configurationPath = directory.file("mosquitto.conf")
        try await writeConfiguration(options)
        try await start()
    }

    deinit {
        process.withLock { child in
            child?.terminate()
            child = nil  // ChildProcess kills and reaps what is left
        }
    }

    /// The default global settings (before ``Options/settings`` are applied).
    public static let defaultSettings: KeyValuePairs<String, String> = [
        "allow_anonymous": "true",
        "persistence": "true",
        "max_queued_messages": "0",
        "max_inflight_messages": "0",
        "set_tcp_nodelay": "true",  // as Deploy/mosquitto/mosquitto.conf: no Nagle delay on forwarded messages
        "log_dest": "stderr",
        "log_type": "all",
    ]

    private func writeConfiguration(_ options: Options) async throws {
        var settings: [(String, String)] = Self.defaultSettings.map { ($0.key, $0.value) }
        settings.append(("persistence_location", directory.path + "/"))
        if getuid() == 0 { settings.append(("user", "root")) }  // else mosquitto drops to "mosquitto"
        if !options.users.isEmpty {
            let passwordFile = directory.file("passwords")
            for (index, (user, password)) in options.users.sorted(by: { $0.key < $1.key }).enumerated() {
                try await ChildProcess.run(
                    "mosquitto_passwd", (index == 0 ? ["-c"] : []) + ["-b", passwordFile, user, password])
            }
            settings.append(("password_file", passwordFile))
            settings.append(("allow_anonymous", "false"))
        }
        for (key, value) in options.settings { settings.append((key, value)) }
        // Later entries win; keep the first position of each key.
        var order: [String] = []
        var values: [String: String] = [:]
        for (key, value) in settings {
            if values[key] == nil { order.append(key) }
            values[key] = value
        }
        var lines = order.map { "\($0) \(values[$0]!)" }
        lines.append("listener \(port) 127.0.0.1")
        if let tls = options.tls, let tlsPort {
            lines += [
                "listener \(tlsPort) 127.0.0.1",
                "cafile \(tls.caFile)",
                "certfile \(tls.certFile)",
                "keyfile \(tls.keyFile)",
                "require_certificate \(tls.requireCertificate)",
            ]
        }
        lines += options.extraLines
        try (lines.joined(separator: "\n") + "\n").write(toFile: configurationPath, atomically: true, encoding: .utf8)
    }

    /// Starts (again, after ``stop()``) on the same ports with the same configuration and persistence.
    public func start() async throws {
        let run = starts.withLock { count in
            count += 1
            return count
        }
        let child = try ChildProcess("mosquitto", ["-c", configurationPath], outputDirectory: directory.path)
        process.withLock { $0 = child }
        let ports = [port] + (tlsPort.map { [$0] } ?? [])
        let up = await eventually(timeout: .seconds(10), poll: .milliseconds(10)) {
            !child.isRunning || ports.allSatisfy(FreePort.isAccepting(port:))
        }
        guard up, child.isRunning else {
            child.kill()
            throw TestSupportError("mosquitto (start \(run)) did not come up on \(ports): \(child.output())")
        }
    }

    /// Stops the broker with SIGTERM (it saves its persistence database), SIGKILL after 5 s.
    public func stop() async {
        guard let child = process.withLock({ $0 }) else { return }
        child.terminate()
        if await child.waitForExit(timeout: .seconds(5)) == nil {
            child.kill()
            _ = await child.waitForExit(timeout: .seconds(5))
        }
        process.withLock { $0 = nil }
    }

    /// Stops and starts again on the same ports with the same configuration and persistence.
    public func restart() async throws {
        await stop()
        try await start()
    }

    /// Everything mosquitto logged (all its runs), for failure messages.
    public func log() -> String {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasPrefix("mosquitto-") && $0.hasSuffix(".stderr") }.sorted()
            .compactMap { try? String(contentsOfFile: directory.file($0), encoding: .utf8) }
            .joined(separator: "\n")
    }
}
