import Foundation
public import PostgresNIO

extension PostgresClient.Configuration {
    /// A configuration from a libpq-style URL:
    /// `postgres://user[:password]@host[:port]/database` over TCP, or
    /// `postgres://user@/database?host=/run/postgresql&port=5432` over the Unix socket in that
    /// directory. TLS is off (`sslmode=disable`, the default here); for TLS build the
    /// configuration yourself with a `TLSConfiguration`.
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
        if let mode = query["sslmode"], mode != "disable" {
            throw ReadingStoreError(.configuration, "sslmode=\(mode) is not supported by URL; pass a Configuration with TLS")
        }
        guard let user = components.user.map({ $0.removingPercentEncoding ?? $0 }), !user.isEmpty else {
            throw ReadingStoreError(.configuration, "the postgres URL names no user")
        }
        let password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let database = path.isEmpty ? nil : path
        let port = components.port ?? query["port"].flatMap(Int.init) ?? 5432
        if let host = query["host"], host.hasPrefix("/") {
            self.init(unixSocketPath: "\(host)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            guard let host = components.host, !host.isEmpty else {
                throw ReadingStoreError(.configuration, "the postgres URL names no host")
            }
            self.init(host: host, port: port, username: user, password: password, database: database, tls: .disable)
        }
    }
}
