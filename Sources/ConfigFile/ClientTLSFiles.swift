import Foundation

/// The files a TLS client uses (`…tls: {ca_file, cert_file, key_file}`): the CA that must have
/// signed the server, and optionally a client certificate and key for mutual TLS. Read by one
/// parser for every client section (MQTT, forwarding, webhooks).
public struct ClientTLSFiles: Sendable, Equatable {
    /// PEM CA certificate(s) the server's certificate must chain to.
    public var caFile: String
    /// PEM client certificate (mutual TLS), paired with `keyFile`.
    public var certificateFile: String?
    /// Its unencrypted PEM private key.
    public var keyFile: String?

    public init(caFile: String, certificateFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }
}

extension ConfigReader {
    /// Reads `PREFIX.ca_file`, `PREFIX.cert_file` and `PREFIX.key_file` (paths relative to
    /// `base`); nil when none is set. Every file must be readable now, and a certificate needs
    /// its key: errors name the key.
    public mutating func clientTLSFiles(_ prefix: String, base: String) throws(ConfigError) -> ClientTLSFiles? {
        let ca = try string("\(prefix).ca_file", default: "")
        let certificate = try string("\(prefix).cert_file", default: "")
        let key = try string("\(prefix).key_file", default: "")
        if ca.isEmpty && certificate.isEmpty && key.isEmpty { return nil }
        guard !ca.isEmpty else { throw error("\(prefix).ca_file", "TLS needs a ca_file to verify the server") }
        guard certificate.isEmpty == key.isEmpty else {
            throw error(certificate.isEmpty ? "\(prefix).cert_file" : "\(prefix).key_file", "a client certificate needs both cert_file and key_file")
        }
        for (name, file) in [("ca_file", ca), ("cert_file", certificate), ("key_file", key)] where !file.isEmpty {
            let path = ConfigValues.resolve(file, against: base)
            guard FileManager.default.isReadableFile(atPath: path) else { throw error("\(prefix).\(name)", "cannot read \(path)") }
        }
        return ClientTLSFiles(
            caFile: ConfigValues.resolve(ca, against: base),
            certificateFile: certificate.isEmpty ? nil : ConfigValues.resolve(certificate, against: base),
            keyFile: key.isEmpty ? nil : ConfigValues.resolve(key, against: base))
    }
}
