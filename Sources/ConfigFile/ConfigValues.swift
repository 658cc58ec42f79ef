import Foundation

/// Small parsers and checks shared by the edge's and the core's configurations.
public enum ConfigValues {
    /// Why a secret (token, password, webhook secret) must not be used, or nil when it may: the
    /// repository's placeholder files (`PLACEHOLDER-replace-me-…`) are public, so a process
    /// started with one would accept anyone who read the repository.
    public static func placeholderProblem(_ secret: String) -> String? {
        secret.uppercased().contains("PLACEHOLDER")
            ? "is the repository's public placeholder, not a secret: write a real one (Deploy/k8s/make-secrets)" : nil
    }

    /// Letters, digits, `-`, `_` and `.`: safe in ids, topics and file names.
    public static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }

    /// Splits `host:port` (IPv6 in brackets); nil when malformed.
    public static func hostPort(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }

    /// A relative path taken against the config file's folder.
    public static func resolve(_ path: String, against base: String) -> String {
        if path.hasPrefix("/") || base.isEmpty { return path }
        return (base as NSString).appendingPathComponent(path)
    }

    /// Why a file could not be read, without the path (the caller names it).
    public static func reason(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }
}
