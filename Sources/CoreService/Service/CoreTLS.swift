import NIOSSL

/// The core's server TLS settings from `http.tls`, built in one place.
enum CoreTLS {
    /// TLS 1.2 or later with the core's certificate. With a client CA, a certificate the client
    /// presents must chain to it (else the handshake fails), but none is required at the TLS
    /// layer: the page and readers come without one, and the ingest routes ask for it
    /// (``Authorizer``).
    static func serverConfiguration(_ files: CoreConfiguration.TLSFiles) throws(CoreTLSError) -> TLSConfiguration {
        let chain: [NIOSSLCertificateSource]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificateFile).map { .certificate($0) }
        } catch {
            throw CoreTLSError(message: "http.tls.cert_file: \(files.certificateFile) is not a PEM certificate (\(error))")
        }
        guard !chain.isEmpty else { throw CoreTLSError(message: "http.tls.cert_file: \(files.certificateFile) holds no certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.keyFile, format: .pem)
        } catch {
            throw CoreTLSError(message: "http.tls.key_file: \(files.keyFile) is not an unencrypted PEM private key (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        if let clientCA = files.clientCAFile {
            configuration.trustRoots = .file(clientCA)
            configuration.certificateVerification = .optionalVerification
        }
        return configuration
    }
}

/// A certificate or key of `http.tls` that cannot be used; names the key and the file.
struct CoreTLSError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
