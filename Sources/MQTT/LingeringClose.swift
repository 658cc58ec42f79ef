#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps a connection's socket open past libmosquitto's `close()` after a clean DISCONNECT,
/// so the broker reads the DISCONNECT and every PUBACK before it: a "lingering close".
///
/// Why: libmosquitto closes its descriptor as soon as the DISCONNECT is written. A persistent
/// session under load always has messages in the socket's receive buffer then (the broker keeps
/// sending until it reads the DISCONNECT), and closing a socket with unread data makes the
/// kernel send a reset instead of a FIN. The broker, writing the next message into the reset
/// socket, drops the connection before reading what was still in its receive buffer: the last
/// PUBACKs and the DISCONNECT itself. It then delivers those acknowledged messages again to the
/// next holder of the session (seen: 14 readings stored twice in a rolling restart of a pair)
/// and takes the clean stop as an abrupt loss.
///
/// So before asking for the DISCONNECT the client duplicates the descriptor; once libmosquitto
/// has closed its own, ``finish(timeoutNanos:)`` ends this side with a FIN (after everything
/// written), reads and discards what the broker still sends (messages it was never
/// acknowledged for, which it keeps for the session) until the broker closes, then closes.
/// Not `Sendable`: used on the client's loop thread only.
struct LingeringClose {
    /// How a lingering close ended.
    enum Outcome: Equatable {
        /// The broker closed its side after the DISCONNECT.
        case closedByBroker(discardedBytes: Int)
        /// The broker did not close in time (or the socket failed); closed anyway.
        case gaveUp(discardedBytes: Int)
    }

    private var descriptor: Int32 = -1

    /// Whether a socket is kept, waiting for ``finish(timeoutNanos:)``.
    var isPending: Bool { descriptor >= 0 }

    /// Keeps `socket` open past libmosquitto's close; call just before `mosquitto_disconnect`.
    /// Without a free descriptor it does nothing (the close then happens as before).
    mutating func keep(_ socket: Int32) {
        guard descriptor < 0, socket >= 0 else { return }
        descriptor = dup(socket)
        if descriptor >= 0 { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
    }

    /// Sends FIN, discards what still arrives until the broker closes or `timeoutNanos` pass,
    /// then closes. Blocks the calling thread for at most `timeoutNanos` (the broker answers a
    /// DISCONNECT by closing within milliseconds). Does nothing without a kept socket.
    mutating func finish(timeoutNanos: UInt64) -> Outcome? {
        guard descriptor >= 0 else { return nil }
        let socket = descriptor
        descriptor = -1
        defer { close(socket) }
        _ = shutdown(socket, Int32(SHUT_WR))
        let deadline = Mosquitto.monotonicNanos() &+ timeoutNanos
        var discarded = 0
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16_384) { buffer in
            while true {
                let now = Mosquitto.monotonicNanos()
                guard now < deadline else { return .gaveUp(discardedBytes: discarded) }
                var event = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
                let ready = poll(&event, 1, Int32(clamping: (deadline - now) / 1_000_000 + 1))
                if ready < 0 && errno == EINTR { continue }
                guard ready > 0 else { return .gaveUp(discardedBytes: discarded) }
                let count = read(socket, buffer.baseAddress, buffer.count)
                if count == 0 { return .closedByBroker(discardedBytes: discarded) }
                if count < 0 {
                    if errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK { continue }
                    return .gaveUp(discardedBytes: discarded)
                }
                discarded += count
            }
        }
    }
}
