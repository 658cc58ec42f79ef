import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Loopback TCP ports for tests.
public enum FreePort {
    /// Ports handed out by this process: never twice, so two tests running in parallel cannot be
    /// given the same one before either has bound it.
    private static let handedOut = Mutex<Set<Int>>([])

    /// A port that was free a moment ago and that this process has not handed out before.
    ///
    /// It is drawn below the kernel's ephemeral range (`ip_local_port_range`) when there is room:
    /// ports from `bind(0)` come from that range, where outgoing connections of parallel tests
    /// also take their local ports and may grab one before the caller binds it.
    /// (Another program could still take it first; on a test machine that is rare.)
    public static func allocate() -> Int {
        if ephemeralLow > 12_000 {
            for _ in 0..<2_000 {
                let port = Int.random(in: 10_000..<ephemeralLow)
                if claim(port), canBind(port) { return port }
            }
        }
        for _ in 0..<1_000 {
            let port = kernelChosenPort()
            if claim(port) { return port }
        }
        preconditionFailure("FreePort: no free loopback port found")
    }

    private static func claim(_ port: Int) -> Bool {
        handedOut.withLock { $0.insert(port).inserted }
    }

    /// The low end of `/proc/sys/net/ipv4/ip_local_port_range` (Linux's default 32768), 0 when unknown.
    private static let ephemeralLow: Int = {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        return Int(text.split(whereSeparator: \.isWhitespace).first ?? "") ?? 0
    }()

    /// Whether 127.0.0.1:`port` can be bound right now (bound and closed again).
    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// A port the kernel picks: binds 127.0.0.1:0, reads the port, closes.
    private static func kernelChosenPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        precondition(fd >= 0, "socket() failed: errno \(errno)")
        defer { close(fd) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        precondition(bound == 0, "bind(127.0.0.1:0) failed: errno \(errno)")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port` right now.
    public static func isAccepting(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
