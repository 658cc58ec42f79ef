/// The small checks every Haetae HTTP server makes about who is asking: a bearer token, a peer
/// on this machine, a Host header naming this machine.
public enum HTTPAccess {
    /// The token of an `Authorization: Bearer <token>` header; nil without one.
    public static func bearerToken(authorization header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingSpaces()
        return token.isEmpty ? nil : token
    }

    /// Whether a peer address is on this machine (127.0.0.0/8 or ::1, also IPv4-mapped).
    public static func isLoopbackAddress(_ ip: String?) -> Bool {
        guard let ip else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }

    /// Whether a Host header (with or without a port) names this machine's loopback. A page on
    /// another site whose name resolves to 127.0.0.1 (DNS rebinding) reaches a local server from
    /// the browser, but its requests carry that other name in Host.
    public static func isLoopbackHost(_ authority: String?) -> Bool {
        guard let authority = authority?.lowercased() else { return false }
        var host = Substring(authority)
        if host.hasPrefix("[") {
            guard let end = host.firstIndex(of: "]") else { return false }
            let rest = host[host.index(after: end)...]
            guard rest.isEmpty || (rest.first == ":" && rest.dropFirst().allSatisfy(\.isNumber)) else { return false }
            host = host[host.index(after: host.startIndex)..<end]
            return host == "::1"
        }
        if let colon = host.firstIndex(of: ":") {
            guard host[host.index(after: colon)...].allSatisfy(\.isNumber) else { return false }
            host = host[..<colon]
        }
        return host == "localhost" || host == "127.0.0.1"
    }

    /// Whether a browser request comes from a page of this server itself, for requests that
    /// change something: `Sec-Fetch-Site` (when sent) must be `same-origin`, and `Origin` (when
    /// sent) must name this server's own `host[:port]` as the request's Host does, over HTTP or
    /// HTTPS. The scheme is not compared: behind a proxy that ends TLS the server sees plain HTTP
    /// while the browser's origin is `https://`, and no other site can serve a page from this
    /// server's own host and port. A request with neither header is not from a modern browser's
    /// cross-site form; it still needs its CSRF token where a session cookie authenticates it.
    public static func isSameOrigin(origin: String?, fetchSite: String?, authority: String?) -> Bool {
        if let fetchSite, fetchSite != "same-origin" && fetchSite != "none" { return false }
        guard let origin = origin?.lowercased() else { return true }
        guard let authority = authority?.lowercased(), !authority.isEmpty else { return false }
        for scheme in ["https://", "http://"] where origin.hasPrefix(scheme) {
            let host = origin.dropFirst(scheme.count)
            // A browser leaves the scheme's default port out of Origin; a Host header may carry it.
            let defaultPort = scheme == "https://" ? ":443" : ":80"
            return host == authority[...] || (authority.hasSuffix(defaultPort) && host == authority.dropLast(defaultPort.count))
        }
        return false
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
