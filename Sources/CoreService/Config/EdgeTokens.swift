import Foundation
import ConfigFile
import Yams

/// Which edge a bearer token belongs to, from a YAML file of `edge id: token` pairs.
///
/// Lookup compares the presented token against every configured one in constant time (no early
/// exit on the first differing byte, and every token is compared), so response timing says
/// nothing about how much of a guess was right.
public struct EdgeTokens: Sendable {
    private let entries: [(edge: String, token: [UInt8])]

    /// A token file problem; never contains a token.
    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(_ tokens: [String: String]) {
        entries = tokens.sorted { $0.key < $1.key }.map { ($0.key, Array($0.value.utf8)) }
    }

    /// The edges configured.
    public var edges: [String] { entries.map(\.edge) }

    public static func load(path: String) throws(LoadError) -> EdgeTokens {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LoadError(description: "cannot read \(path)")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw LoadError(description: "\(path): not valid YAML")
        }
        guard let mapping = node?.mapping, !mapping.isEmpty else {
            throw LoadError(description: "\(path): expected a mapping of edge id to token, e.g. seoul-a: \"…\"")
        }
        var tokens: [String: String] = [:]
        for (key, value) in mapping {
            let line = (key.mark?.line).map { ":\($0)" } ?? ""
            guard let edge = key.scalar?.string, ConfigValues.isIdentifier(edge) else {
                throw LoadError(description: "\(path)\(line): an edge id uses letters, digits, '-', '_' and '.' only")
            }
            guard let token = value.scalar?.string, token.utf8.count >= 16 else {
                throw LoadError(description: "\(path)\(line): \(edge): the token must be a string of at least 16 characters")
            }
            if let problem = ConfigValues.placeholderProblem(token) {
                throw LoadError(description: "\(path)\(line): \(edge): the token \(problem)")
            }
            tokens[edge] = token
        }
        return EdgeTokens(tokens)
    }

    /// The edge whose token this is, or nil.
    public func edge(for presented: String) -> String? {
        let bytes = Array(presented.utf8)
        var found: String?
        for entry in entries where Self.constantTimeEquals(entry.token, bytes) && found == nil {
            found = entry.edge
        }
        return found
    }

    /// Equal bytes and equal lengths, in time that depends only on the longer length. The
    /// lengths are compared in full: a token followed by 256 NUL bytes is a different token.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt(bitPattern: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= UInt(x ^ y)
        }
        return difference == 0
    }
}
