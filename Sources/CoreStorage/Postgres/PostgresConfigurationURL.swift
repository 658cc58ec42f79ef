import Foundation
import NIOSSL
public import PostgresNIO

extension PostgresClient.Configuration {
    /// A configuration from a libpq-style URL:
    /// `postgres://user[:password]@host[:port]/database` over TCP, or
    /// `postgres://user@/database?host=/run/postgresql&port=5432` over the Unix socket in that
    /// directory. TLS as libpq names it, for TCP: `sslmode=disable` (the default here), `require`
    /// (encrypted, the server not verified), `verify-ca` (its certificate must chain to
    /// `sslrootcert`), `verify-full` (and name the host); `sslcert`/`sslkey` add a client
    /// certificate.
    ///
    /// - Throws: ``ReadingStoreError`` naming the part that is wrong (never the password).
    public init(haetaeURL url: String) throws {
        guard let components = URLComponents(string: url),
            ["postgres", "postgresql"].contains(components.scheme ?? "")
        else {
            throw ReadingStoreError(.configuration, "not a postgres:// URL")
        }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        let tls = try Self.tls(query)
        guard let user = components.user.map({ $0.removingPercentEncoding ?? $0 }), !user.isEmpty else {
            throw ReadingStoreError(.configuration, "the postgres URL names no user")
        }
        let password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let database = path.isEmpty ? nil : path
        let port = components.port ?? query["port"].flatMap(Int.init) ?? 5432
        if let host = query["host"], host.hasPrefix("/") {
            guard (query["sslmode"] ?? "disable") == "disable" else {
                throw ReadingStoreError(.configuration, "sslmode applies to TCP connections, not the Unix socket in host=\(host)")
            }
            self.init(unixSocketPath: "\(host)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            guard let host = components.host, !host.isEmpty else {
                throw ReadingStoreError(.configuration, "the postgres URL names no host")
            }
            self.init(host: host, port: port, username: user, password: password, database: database, tls: tls)
        }
    }

    /// The TLS of the `sslmode`, `sslrootcert`, `sslcert` and `sslkey` parameters.
    private static func tls(_ query: [String: String]) throws -> PostgresClient.Configuration.TLS {
        let mode = query["sslmode"] ?? "disable"
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        switch mode {
        case "disable":
            return .disable
        case "require":
            configuration.certificateVerification = .none
        case "verify-ca", "verify-full":
            guard let root = query["sslrootcert"], !root.isEmpty else {
                throw ReadingStoreError(.configuration, "sslmode=\(mode) needs sslrootcert=/path/to/ca.crt (the CA that signed the server)")
            }
            guard FileManager.default.isReadableFile(atPath: root) else {
                throw ReadingStoreError(.configuration, "sslrootcert \(root): cannot read it")
            }
            configuration.trustRoots = .file(root)
            configuration.certificateVerification = mode == "verify-full" ? .fullVerification : .noHostnameVerification
        default:
            throw ReadingStoreError(.configuration, "sslmode=\(mode.prefix(40)): use disable, require, verify-ca or verify-full")
        }
        switch (query["sslcert"], query["sslkey"]) {
        case (nil, nil):
            break
        case (let certificate?, let key?):
            do {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            } catch {
                throw ReadingStoreError(.configuration, "sslcert/sslkey \(certificate), \(key): not a usable PEM certificate and key (\(error))")
            }
        default:
            throw ReadingStoreError(.configuration, "a client certificate needs both sslcert and sslkey")
        }
        return .require(configuration)
    }
}
