import ConfigFile
import Foundation

extension CoreConfiguration {
    /// Reads `http.tls`: nil when it is absent; every file must be readable now, so a typo is a
    /// config error naming its key rather than a failed handshake later.
    static func tlsFiles(_ reader: inout ConfigReader, base: String) throws(ConfigError) -> TLSFiles? {
        guard reader.contains("http.tls") else { return nil }
        let certificate = try reader.string("http.tls.cert_file", default: "")
        let key = try reader.string("http.tls.key_file", default: "")
        let clientCA = try reader.string("http.tls.client_ca_file", default: "")
        guard !certificate.isEmpty else { throw reader.error("http.tls.cert_file", "required with http.tls: the core's PEM certificate") }
        guard !key.isEmpty else { throw reader.error("http.tls.key_file", "required with http.tls: the PEM private key of cert_file") }
        let files = TLSFiles(
            certificateFile: ConfigValues.resolve(certificate, against: base), keyFile: ConfigValues.resolve(key, against: base),
            clientCAFile: clientCA.isEmpty ? nil : ConfigValues.resolve(clientCA, against: base))
        for (name, file) in [("http.tls.cert_file", files.certificateFile), ("http.tls.key_file", files.keyFile), ("http.tls.client_ca_file", files.clientCAFile ?? "")]
        where !file.isEmpty && !FileManager.default.isReadableFile(atPath: file) {
            throw reader.error(name, "cannot read \(file)")
        }
        return files
    }
}
