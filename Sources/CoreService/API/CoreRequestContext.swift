import Hummingbird
import NIOCore

/// The request context of the core's API: Hummingbird's basics plus the peer's address, for
/// loopback-only reads when no read token is configured.
struct CoreRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Bodies are collected by the handlers with the configured limits (`http.max_body`).
    var maxUploadSize: Int { Int.max }

    /// Whether the peer is on this machine (127.0.0.0/8 or ::1).
    var isLoopback: Bool {
        guard let ip = remoteAddress?.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}
