/// `mqtt://host:port` or `mqtts://host:port` (TLS); the port defaults to 1883 / 8883.
struct BrokerURL: Equatable {
    var host: String
    var port: Int
    var tls: Bool

    init(_ text: String) throws {
        var rest = Substring(text)
        if rest.hasPrefix("mqtts://") {
            tls = true
            rest = rest.dropFirst("mqtts://".count)
        } else if rest.hasPrefix("mqtt://") {
            tls = false
            rest = rest.dropFirst("mqtt://".count)
        } else if rest.contains("://") {
            throw SimFailure(message: "--broker \(text): use mqtt://host:port or mqtts://host:port")
        } else {
            tls = false
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            rest = rest[colon...]
        } else {
            host = String(rest)
            rest = ""
        }
        if rest.hasPrefix(":") {
            guard let port = Int(rest.dropFirst()), (1...65_535).contains(port) else {
                throw SimFailure(message: "--broker \(text): the port must be 1 to 65535")
            }
            self.port = port
        } else {
            port = tls ? 8883 : 1883
        }
        guard !host.isEmpty else { throw SimFailure(message: "--broker \(text): no host") }
    }
}
