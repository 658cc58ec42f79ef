@testable import CoreService
import Testing

@Suite("Edge tokens")
struct EdgeTokensTests {
    @Test("a token matches only itself: not a prefix, not itself followed by NUL bytes (lengths compared in full)")
    func comparesWholeTokens() {
        let token = Array("seoul-a-token-0123456789".utf8)
        #expect(EdgeTokens.constantTimeEquals(token, token))
        #expect(!EdgeTokens.constantTimeEquals(token, Array(token.dropLast())))
        #expect(!EdgeTokens.constantTimeEquals(token, token + [UInt8](repeating: 0, count: 256)))
        #expect(!EdgeTokens.constantTimeEquals([], [UInt8](repeating: 0, count: 512)))
        let tokens = EdgeTokens(["seoul-a": "seoul-a-token-0123456789", "gwangju-a": "gwangju-a-token-0123456789"])
        #expect(tokens.edge(for: "gwangju-a-token-0123456789") == "gwangju-a")
        #expect(tokens.edge(for: "seoul-a-token-0123456789" + String(repeating: "\0", count: 256)) == nil)
        #expect(tokens.edge(for: "") == nil)
    }
}
