import Foundation

/// A minimal HTTP/1.1 GET over a loopback socket, for probing `/healthz`, `/readyz` and
/// `/metrics` without depending on an HTTP client library.
public enum HTTPGet {
    public struct Response: Sendable {
        public var status: Int
        public var body: String
    }

    /// Fetches `path` from 127.0.0.1:`port`; nil when nothing answers.
    public static func fetch(port: Int, path: String, timeoutSeconds: Int = 5) -> Response? {
        HTTPRequest.send(port: port, method: "GET", path: path, timeoutSeconds: timeoutSeconds)
    }

    static func dechunk(_ text: String) -> String {
        var rest = Substring(text)
        var out = ""
        while let lineEnd = rest.range(of: "\r\n"), let size = Int(rest[..<lineEnd.lowerBound], radix: 16), size > 0 {
            let start = lineEnd.upperBound
            let utf8 = rest[start...].utf8
            let end = utf8.index(utf8.startIndex, offsetBy: size, limitedBy: utf8.endIndex) ?? utf8.endIndex
            out += String(rest[start..<end])
            rest = rest[end...].dropFirst(2)
        }
        return out
    }

    /// The value of a Prometheus sample line such as `name{label="x"} 42`; nil when absent.
    public static func metric(_ name: String, labels: String = "", in text: String) -> Double? {
        let key = labels.isEmpty ? name : "\(name){\(labels)}"
        for line in text.split(separator: "\n") where line.hasPrefix(key + " ") {
            return Double(line.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}
