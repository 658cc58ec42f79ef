import Foundation
import Synchronization

/// The shipped site broker, secured as Haetae ships it: `Deploy/mosquitto/mosquitto.conf` made
/// for loopback ports by `Deploy/local/site-broker-config`, with a CA and certificates from
/// `Deploy/security/make-certs` and identities from `Deploy/security/make-identities`.
///
/// Tests of the security setup use the same scripts an operator runs, so what they check is
/// what ships.
///
/// ```swift
/// let broker = try await SecureSiteBroker(identities: "seoul.line1,line,factory/seoul/line1\n…")
/// // mqtts://127.0.0.1:\(broker.tlsPort) with broker.certificate(of: "seoul.line1")
/// ```
public final class SecureSiteBroker: Sendable {
    /// The TLS listener: the client certificate is the identity.
    public let tlsPort: Int
    /// The plain loopback listener: an identity's name and password.
    public let port: Int
    public let directory: TemporaryDirectory
    /// The make-certs folder: `ca.crt`, `broker.crt`, `IDENTITY.crt/.key`.
    public let certificates: String
    /// The make-identities folder: `dynamic-security.json`, `passwords/`, `identities.csv`.
    public let identitiesDirectory: String
    private let process = Mutex<ChildProcess?>(nil)

    /// Makes the CA, the broker's certificate, the identities (with a certificate each) and
    /// starts mosquitto.
    /// - Parameter identities: `identity,role,subtree` lines.
    public init(identities: String) async throws {
        directory = try TemporaryDirectory(prefix: "haetae-secure-broker")
        certificates = directory.file("certs")
        identitiesDirectory = directory.file("identities")
        tlsPort = FreePort.allocate()
        port = FreePort.allocate()
        let makeCerts = Self.repositoryPath("Deploy/security/make-certs")
        try await ChildProcess.run(makeCerts, [certificates, "ca"])
        try await ChildProcess.run(makeCerts, [certificates, "server", "broker", "127.0.0.1,localhost"])
        let list = directory.file("identities.csv")
        try identities.write(toFile: list, atomically: true, encoding: .utf8)
        try await ChildProcess.run(
            Self.repositoryPath("Deploy/security/make-identities"), [list, identitiesDirectory, "--certs", certificates], timeout: .seconds(120))
        try await ChildProcess.run(Self.repositoryPath("Deploy/local/site-broker-config"), [
            directory.file("mosquitto.conf"), "--state", directory.path, "--port", "\(port)", "--tls-port", "\(tlsPort)",
            "--certs", certificates, "--identities", identitiesDirectory,
        ])
        try await start()
    }

    deinit {
        process.withLock { child in
            child?.terminate()
            child = nil
        }
    }

    /// Starts mosquitto (again, after ``stop()``) and waits for both listeners.
    public func start() async throws {
        let child = try ChildProcess("mosquitto", ["-c", directory.file("mosquitto.conf")], outputDirectory: directory.path)
        process.withLock { $0 = child }
        for listener in [port, tlsPort] {
            guard await eventually(timeout: .seconds(10), { FreePort.isAccepting(port: listener) }) else {
                throw TestSupportError("the secure broker did not listen on 127.0.0.1:\(listener): \(log())")
            }
        }
    }

    /// Stops mosquitto (SIGTERM: it saves its sessions).
    public func stop() async {
        let child = process.withLock { child in
            defer { child = nil }
            return child
        }
        child?.terminate()
        _ = await child?.waitForExit(timeout: .seconds(10))
    }

    /// The site CA's certificate.
    public var caFile: String { "\(certificates)/ca.crt" }

    /// The certificate and key of `identity` (made by make-identities --certs).
    public func certificate(of identity: String) -> (certificate: String, key: String) {
        ("\(certificates)/\(identity).crt", "\(certificates)/\(identity).key")
    }

    /// The password make-identities generated for `identity`.
    public func password(of identity: String) throws -> String {
        try String(contentsOfFile: "\(identitiesDirectory)/passwords/\(identity)", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `mosquitto_pub`/`mosquitto_sub` arguments that connect over TLS as `identity`.
    public func tlsArguments(as identity: String) -> [String] {
        let (certificate, key) = certificate(of: identity)
        return ["-h", "127.0.0.1", "-p", "\(tlsPort)", "--cafile", caFile, "--cert", certificate, "--key", key]
    }

    /// The broker's log file (connections, refusals).
    public func log() -> String {
        (try? String(contentsOfFile: directory.file("mosquitto.log"), encoding: .utf8)) ?? ""
    }

    /// A file of this repository (the Deploy scripts), from the source location.
    public static func repositoryPath(_ path: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(path).path
    }
}
