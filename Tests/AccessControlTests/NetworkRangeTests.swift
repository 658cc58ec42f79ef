import AccessControl
import Testing

@Suite("NetworkRange: who may read the site page without a token")
struct NetworkRangeTests {
    @Test("IPv4 and IPv6 networks hold the addresses under their prefix, IPv4-mapped peers too")
    func contains() throws {
        let v4 = try #require(NetworkRange("10.20.0.0/16"))
        #expect(v4.contains("10.20.255.1") && v4.contains("::ffff:10.20.0.9"))
        #expect(!v4.contains("10.21.0.1") && !v4.contains("fd00::1") && !v4.contains(nil) && !v4.contains("not an address"))
        let v6 = try #require(NetworkRange("fd00::/8"))
        #expect(v6.contains("fd12:3456::1") && !v6.contains("fe80::1") && !v6.contains("10.20.0.1"))
        let one = try #require(NetworkRange("192.168.1.7"))
        #expect(one.prefixLength == 32 && one.contains("192.168.1.7") && !one.contains("192.168.1.8"))
        let odd = try #require(NetworkRange("172.16.0.0/12"))
        #expect(odd.contains("172.31.255.255") && !odd.contains("172.32.0.0"))
        #expect(NetworkRange("0.0.0.0/0")?.contains("8.8.8.8") == true)
    }

    @Test("what is not a network is refused", arguments: ["", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0/8", "10.0.0.0/8/8", "fd00::/129", "host.example/24", "10.0.0.0/ 8", "10.0.0.0/+8"])
    func refused(text: String) {
        #expect(NetworkRange(text) == nil)
    }

    @Test("a Host header is an address literal when its host part is an IP address")
    func addressLiteral() {
        #expect(NetworkRange.isAddressLiteral(host: "10.20.0.5:9100") && NetworkRange.isAddressLiteral(host: "[fd00::5]:9100"))
        #expect(NetworkRange.isAddressLiteral(host: "10.20.0.5"))
        #expect(!NetworkRange.isAddressLiteral(host: "evil.example:9100") && !NetworkRange.isAddressLiteral(host: nil))
        #expect(!NetworkRange.isAddressLiteral(host: "[fd00::5"))
    }
}
