import AccessControl
import Testing

@Suite("Form bodies and same-origin checks")
struct FormFieldsTests {
    @Test("fields are percent-decoded, + is a space, the first of a repeated name wins")
    func decodes() {
        let fields = FormFields.parse(Array("user=ana%40plant&password=a+b%21%EA%B0%80&user=other".utf8))
        #expect(fields == ["user": "ana@plant", "password": "a b!가"])
        #expect(FormFields.parse([]) == [:])
        #expect(FormFields.parse(Array("flag".utf8)) == ["flag": ""])
    }

    @Test("a broken escape, bytes that are not UTF-8, or too many fields are refused", arguments: [
        "user=%4", "user=%zz", "password=%FF%FE", (0..<20).map { "f\($0)=1" }.joined(separator: "&"),
    ])
    func refuses(body: String) {
        #expect(FormFields.parse(Array(body.utf8)) == nil)
    }

    @Test("same origin: Origin must name this server's own host and port (either scheme, default ports alike); Sec-Fetch-Site must be same-origin")
    func sameOrigin() {
        #expect(HTTPAccess.isSameOrigin(origin: "https://core.plant:8443", fetchSite: "same-origin", authority: "core.plant:8443"))
        #expect(HTTPAccess.isSameOrigin(origin: nil, fetchSite: nil, authority: "core.plant"), "not from a browser form")
        #expect(HTTPAccess.isSameOrigin(origin: "https://core.plant", fetchSite: nil, authority: "core.plant:443"), "the default port")
        #expect(HTTPAccess.isSameOrigin(origin: "https://core.plant:8443", fetchSite: nil, authority: "core.plant:8443"), "TLS ended by a proxy: the server sees HTTP")
        #expect(!HTTPAccess.isSameOrigin(origin: "https://evil.example", fetchSite: nil, authority: "core.plant"))
        #expect(!HTTPAccess.isSameOrigin(origin: "https://core.plant:9999", fetchSite: nil, authority: "core.plant:8443"), "another port")
        #expect(!HTTPAccess.isSameOrigin(origin: "https://core.plant.evil.example", fetchSite: nil, authority: "core.plant"))
        #expect(!HTTPAccess.isSameOrigin(origin: nil, fetchSite: "cross-site", authority: "core.plant"))
        #expect(!HTTPAccess.isSameOrigin(origin: "null", fetchSite: nil, authority: "core.plant"))
    }
}
