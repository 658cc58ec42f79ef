import AccessControl
import Hummingbird
import NIOCore
import NIOSSL

/// The request context of the core's API: Hummingbird's basics plus the peer's address, for
/// loopback-only reads when no read token is configured.
struct CoreRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?
    /// The connection, to ask its TLS handler for the client's certificate (mutual TLS).
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// The common name of the certificate the client presented and TLS verified against
    /// `http.tls.client_ca_file`; nil without TLS or without a client certificate.
    func clientCertificateCommonName() async -> String? {
        guard let certificate = try? await channel.nioSSL_peerCertificate().get() else { return nil }
        return certificate.subjectName.first { $0.type == .commonName }?.value
    }

    /// Bodies are collected by the handlers with the configured limits (`http.max_body`).
    var maxUploadSize: Int { Int.max }

    /// Whether the peer is on this machine (127.0.0.0/8 or ::1).
    var isLoopback: Bool {
        HTTPAccess.isLoopbackAddress(remoteAddress?.ipAddress)
    }
}
