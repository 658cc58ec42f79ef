import Hummingbird
import NIOCore

/// The request context of the ops port: Hummingbird's basics plus the peer's address, for the
/// loopback-only API.
struct OpsRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
