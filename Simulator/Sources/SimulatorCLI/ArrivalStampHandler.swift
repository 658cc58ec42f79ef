import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Stamps each request with the wall-clock time its head was read off the socket, in
/// ``headerName`` (microseconds since the epoch), on the connection's event loop.
///
/// The webhook receiver times an alert's arrival from this stamp rather than from inside its
/// route: on a busy 2-core machine the hops from the event loop to the route's task can take
/// milliseconds (13 ms seen for a run's first request), which are the simulator's, not the
/// edge's. A client cannot supply the header: the stamp replaces whatever came in.
final class ArrivalStampHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    /// The header the route reads the stamp from.
    static let headerName = HTTPField.Name("x-haetae-sim-arrived-us")!

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        head.headerFields[Self.headerName] = String(AlertReceiver.wallMicros())
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}
