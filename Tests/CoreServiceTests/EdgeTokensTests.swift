import AccessControl
import Foundation
import TestSupport
@testable import CoreService
import Testing

@Suite("Edge tokens")
struct EdgeTokensTests {
    @Test("a token matches only itself: not a prefix, not itself followed by NUL bytes (lengths compared in full)")
    func comparesWholeTokens() {
        let token = Array("seoul-a-token-0123456789".utf8)
        #expect(ConstantTime.equals(token, token))
        #expect(!ConstantTime.equals(token, Array(token.dropLast())))
        #expect(!ConstantTime.equals(token, token + [UInt8](repeating: 0, count: 256)))
        #expect(!ConstantTime.equals([], [UInt8](repeating: 0, count: 512)))
        let tokens = EdgeTokens(["seoul-a": "seoul-a-token-0123456789", "gwangju-a": "gwangju-a-token-0123456789"])
        #expect(tokens.edge(for: "gwangju-a-token-0123456789") == "gwangju-a")
        #expect(tokens.edge(for: "seoul-a-token-0123456789" + String(repeating: "\0", count: 256)) == nil)
        #expect(tokens.edge(for: "") == nil)
    }
}

@Suite("Edge token sites")
struct EdgeTokenSitesTests {
    func load(_ text: String) throws -> EdgeTokens {
        let directory = try TemporaryDirectory(prefix: "haetae-tokens")
        defer { directory.remove() }
        try text.write(toFile: directory.file("t.yaml"), atomically: true, encoding: .utf8)
        return try EdgeTokens.load(path: directory.file("t.yaml"))
    }

    @Test("an entry with sites may write only those; a bare token any site")
    func sites() throws {
        let tokens = try load("""
            seoul-a: {token: "seoul-a-token-0123456789", sites: [seoul]}
            old-b: "old-b-token-0123456789abc"
            """)
        #expect(tokens.edge(for: "seoul-a-token-0123456789") == "seoul-a")
        #expect(tokens.allows(edge: "seoul-a", site: "seoul"))
        #expect(!tokens.allows(edge: "seoul-a", site: "gwangju"))
        #expect(tokens.allows(edge: "old-b", site: "gwangju"))
        #expect(tokens.unrestricted == ["old-b"])
    }

    @Test("a bad entry names the file, line and edge", arguments: [
        ("seoul-a: {token: \"seoul-a-token-0123456789\"}", "seoul-a: sites: expected a non-empty list"),
        ("seoul-a: {token: \"seoul-a-token-0123456789\", sites: []}", "seoul-a: sites: expected a non-empty list"),
        ("seoul-a: {sites: [seoul]}", "seoul-a: missing token"),
        ("seoul-a: {token: \"seoul-a-token-0123456789\", sites: [seoul], extra: 1}", "seoul-a: unknown key extra"),
        ("seoul-a: {token: \"seoul-a-token-0123456789\", sites: [\"a b\"]}", "seoul-a: sites: a site name uses"),
    ])
    func badEntries(text: String, message: String) throws {
        do {
            _ = try load(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect("\(error)".contains(":1: " + message), "\(error)")
        }
    }
}
