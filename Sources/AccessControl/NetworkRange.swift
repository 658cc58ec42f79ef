#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IP network in CIDR form (`10.20.0.0/16`, `fd00::/8`, or one address without a prefix
/// length): who may read a page without a token. IPv4-mapped IPv6 peers (`::ffff:10.20.1.5`)
/// match IPv4 networks.
public struct NetworkRange: Sendable, Equatable, CustomStringConvertible {
    /// The network's address bytes (4 or 16) and prefix length.
    public let address: [UInt8]
    public let prefixLength: Int

    /// Parses `address/length`; nil when it is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, text.utf8.count <= 64, let bytes = Self.bytes(String(first)) else { return nil }
        let length: Int
        if parts.count == 2 {
            guard let given = Int(parts[1]), given >= 0, given <= bytes.count * 8, parts[1].allSatisfy(\.isNumber) else { return nil }
            length = given
        } else {
            length = bytes.count * 8
        }
        address = bytes
        prefixLength = length
    }

    public var description: String { "\(Self.text(address))/\(prefixLength)" }

    /// Whether `ip` (a peer address as the server gives it) is in this network.
    public func contains(_ ip: String?) -> Bool {
        guard let ip, var peer = Self.bytes(ip) else { return false }
        if peer.count == 16, address.count == 4, peer[0..<10].allSatisfy({ $0 == 0 }), peer[10] == 0xFF, peer[11] == 0xFF {
            peer = Array(peer[12...])
        }
        guard peer.count == address.count else { return false }
        var remaining = prefixLength
        for index in 0..<address.count where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if peer[index] & mask != address[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// The bytes of an IPv4 or IPv6 address; nil when `text` is not one.
    static func bytes(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.count <= 45 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// Whether a Host header's host part is an IP address (a DNS rebinding needs a name).
    public static func isAddressLiteral(host authority: String?) -> Bool {
        guard let authority else { return false }
        var host = authority[...]
        if host.hasPrefix("[") {
            guard let end = host.firstIndex(of: "]") else { return false }
            host = host[host.index(after: host.startIndex)..<end]
        } else if let colon = host.lastIndex(of: ":") {
            host = host[..<colon]
        }
        return bytes(String(host)) != nil
    }

    static func text(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let written = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) }
        guard written != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
