import AccessControl
import Foundation
import ConfigFile
import Yams

/// Which edge a bearer token belongs to, and which sites it may write, from a YAML file:
///
/// ```yaml
/// seoul-a: {token: "…", sites: [seoul]}   # may write readings and alerts of seoul only
/// legacy-b: "…"                           # any site (the older form; the core warns at start)
/// ```
///
/// Lookup compares the presented token against every configured one in constant time (no early
/// exit on the first differing byte, and every token is compared), so response timing says
/// nothing about how much of a guess was right.
public struct EdgeTokens: Sendable {
    private let entries: [(edge: String, token: [UInt8])]
    /// Sites each edge may write; an edge missing here may write any site.
    private let sites: [String: Set<String>]

    /// A token file problem; never contains a token.
    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// - Parameter sites: the sites each edge may write; an edge not listed may write any site.
    public init(_ tokens: [String: String], sites: [String: Set<String>] = [:]) {
        entries = tokens.sorted { $0.key < $1.key }.map { ($0.key, Array($0.value.utf8)) }
        self.sites = sites
    }

    /// Whether `edge` may write readings and alerts of `site`.
    public func allows(edge: String, site: String) -> Bool {
        sites[edge].map { $0.contains(site) } ?? true
    }

    /// The sites `edge` may write; nil when any.
    public func sites(of edge: String) -> Set<String>? { sites[edge] }

    /// Edges whose token may write any site (the older token form).
    public var unrestricted: [String] { edges.filter { sites[$0] == nil } }

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
        var sites: [String: Set<String>] = [:]
        for (key, value) in mapping {
            let line = (key.mark?.line).map { ":\($0)" } ?? ""
            guard let edge = key.scalar?.string, ConfigValues.isIdentifier(edge) else {
                throw LoadError(description: "\(path)\(line): an edge id uses letters, digits, '-', '_' and '.' only")
            }
            var tokenNode = value
            if let entry = value.mapping {
                guard let node = entry["token"] else { throw LoadError(description: "\(path)\(line): \(edge): missing token") }
                tokenNode = node
                guard let list = entry["sites"]?.sequence, !list.isEmpty else {
                    throw LoadError(description: "\(path)\(line): \(edge): sites: expected a non-empty list of site names, e.g. [seoul]")
                }
                var allowed = Set<String>()
                for item in list {
                    guard let site = item.scalar?.string, ConfigValues.isIdentifier(site) else {
                        throw LoadError(description: "\(path)\(line): \(edge): sites: a site name uses letters, digits, '-', '_' and '.' only")
                    }
                    allowed.insert(site)
                }
                for name in entry.keys.compactMap(\.scalar?.string) where name != "token" && name != "sites" {
                    throw LoadError(description: "\(path)\(line): \(edge): unknown key \(name) (expected token and sites)")
                }
                sites[edge] = allowed
            }
            guard let token = tokenNode.scalar?.string, token.utf8.count >= 16 else {
                throw LoadError(description: "\(path)\(line): \(edge): the token must be a string of at least 16 characters")
            }
            if let problem = ConfigValues.placeholderProblem(token) {
                throw LoadError(description: "\(path)\(line): \(edge): the token \(problem)")
            }
            tokens[edge] = token
        }
        return EdgeTokens(tokens, sites: sites)
    }

    /// The edge whose token this is, or nil.
    public func edge(for presented: String) -> String? {
        let bytes = Array(presented.utf8)
        var found: String?
        for entry in entries where ConstantTime.equals(entry.token, bytes) && found == nil {
            found = entry.edge
        }
        return found
    }

}
