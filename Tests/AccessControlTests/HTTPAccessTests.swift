import AccessControl
import Testing

@Suite("HTTP access checks: bearer tokens, loopback peers and hosts, constant-time comparison")
struct HTTPAccessTests {
    @Test("a bearer token is read from Authorization; other schemes, empty tokens and no header give none")
    func bearer() {
        #expect(HTTPAccess.bearerToken(authorization: "Bearer abc123") == "abc123")
        #expect(HTTPAccess.bearerToken(authorization: "bearer   abc123  ") == "abc123")
        #expect(HTTPAccess.bearerToken(authorization: "Basic YWxhZGRpbjpvcGVu") == nil)
        #expect(HTTPAccess.bearerToken(authorization: "Bearer ") == nil)
        #expect(HTTPAccess.bearerToken(authorization: "Bearer") == nil)
        #expect(HTTPAccess.bearerToken(authorization: nil) == nil)
    }

    @Test("loopback peers: 127.0.0.0/8, ::1 and IPv4-mapped 127.x; nothing else")
    func loopbackAddresses() {
        for ip in ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"] { #expect(HTTPAccess.isLoopbackAddress(ip), "\(ip)") }
        for ip in ["10.0.0.1", "::", "0.0.0.0", "::ffff:10.0.0.1", "1270.0.0.1"] {
            #expect(!HTTPAccess.isLoopbackAddress(ip), "\(ip)")
        }
        #expect(!HTTPAccess.isLoopbackAddress(nil))
    }

    @Test("loopback Host headers with or without a port; a rebinding name, a bad port or a bracket trick is refused")
    func loopbackHosts() {
        for host in ["localhost", "LOCALHOST:9100", "127.0.0.1", "127.0.0.1:8080", "[::1]", "[::1]:9100"] {
            #expect(HTTPAccess.isLoopbackHost(host), "\(host)")
        }
        for host in ["evil.example", "evil.example:9100", "127.0.0.1.evil.example", "localhost:80x", "[::1]x", "[::1", "127.0.0.2", ""] {
            #expect(!HTTPAccess.isLoopbackHost(host), "\(host)")
        }
        #expect(!HTTPAccess.isLoopbackHost(nil))
    }

    @Test("constant-time equality: equal only when every byte and the length match")
    func constantTime() {
        #expect(ConstantTime.equals("s3cret-token", "s3cret-token"))
        #expect(!ConstantTime.equals("s3cret-token", "s3cret-tokeN"))
        #expect(!ConstantTime.equals("s3cret-token", "s3cret-token\u{0}"))
        #expect(!ConstantTime.equals("", "x"))
        #expect(ConstantTime.equals([], []))
    }
}
