import Foundation

/// A throwaway CA with a server certificate for 127.0.0.1/localhost and a client
/// certificate, made with the `openssl` command line (EC P-256, valid two days).
public final class TestCertificateAuthority: Sendable {
    public let directory: TemporaryDirectory
    public let caCertificate: String
    public let caKey: String
    public let serverCertificate: String
    public let serverKey: String
    public let clientCertificate: String
    public let clientKey: String

    /// - Parameter commonName: the CA's name (two authorities should differ).
    public init(commonName: String = "Haetae Test CA") async throws {
        let directory = try TemporaryDirectory(prefix: "haetae-ca")
        self.directory = directory
        caCertificate = directory.file("ca.crt")
        caKey = directory.file("ca.key")
        serverCertificate = directory.file("server.crt")
        serverKey = directory.file("server.key")
        clientCertificate = directory.file("client.crt")
        clientKey = directory.file("client.key")

        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await ChildProcess.run("openssl", ["req", "-x509"] + key + [
            "-keyout", caKey, "-out", caCertificate, "-days", "2", "-subj", "/CN=\(commonName)",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
        try await issue(
            commonName: "localhost", key: serverKey, certificate: serverCertificate,
            extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n", keyArguments: key)
        try await issue(
            commonName: "haetae-test-client", key: clientKey, certificate: clientCertificate,
            extensions: "extendedKeyUsage=clientAuth\n", keyArguments: key)
    }

    private func issue(commonName: String, key: String, certificate: String, extensions: String, keyArguments: [String]) async throws {
        let request = certificate + ".csr"
        let extensionsFile = certificate + ".ext"
        try extensions.write(toFile: extensionsFile, atomically: true, encoding: .utf8)
        try await ChildProcess.run("openssl", ["req", "-new"] + keyArguments + [
            "-keyout", key, "-out", request, "-subj", "/CN=\(commonName)",
        ])
        try await ChildProcess.run("openssl", [
            "x509", "-req", "-in", request, "-CA", caCertificate, "-CAkey", caKey, "-CAcreateserial",
            "-out", certificate, "-days", "2", "-extfile", extensionsFile,
        ])
    }
}
