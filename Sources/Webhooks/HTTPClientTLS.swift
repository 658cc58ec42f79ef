public import ConfigFile
public import NIOSSL

/// The TLS settings of Haetae's HTTP clients (forwarding to the core, webhooks), built in one place.
public enum HTTPClientTLS {
    /// Trust only `files.caFile` (not the system store: a private CA signs the core and the
    /// receivers), TLS 1.2 or later, full host name verification, and the client certificate
    /// when one is given (mutual TLS).
    public static func configuration(_ files: ClientTLSFiles) throws(HTTPClientTLSError) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.trustRoots = .file(files.caFile)
        if let certificateFile = files.certificateFile, let keyFile = files.keyFile {
            do {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
            } catch {
                throw HTTPClientTLSError(message: "\(certificateFile) is not a PEM certificate (\(error))")
            }
            do {
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            } catch {
                throw HTTPClientTLSError(message: "\(keyFile) is not an unencrypted PEM private key (\(error))")
            }
        }
        return configuration
    }
}

/// A client certificate or key that cannot be used; names the file.
public struct HTTPClientTLSError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
