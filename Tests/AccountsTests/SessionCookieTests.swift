import Accounts
import Testing

@Suite("The session cookie: flags, name under TLS, finding it in a Cookie header")
struct SessionCookieTests {
    @Test("under TLS: __Host- name, Secure, HttpOnly, SameSite=Strict, Path=/; without TLS no Secure")
    func flags() {
        let secure = SessionCookie(secure: true)
        #expect(secure.setting("abc", maxAgeSeconds: 60) == "__Host-haetae_session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure")
        #expect(secure.clearing.contains("Max-Age=0"))
        let plain = SessionCookie(secure: false)
        #expect(plain.setting("abc", maxAgeSeconds: 60) == "haetae_session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict")
    }

    @Test("the value is found among other cookies, not in a cookie with a longer name, and not when empty")
    func parsing() {
        let cookie = SessionCookie(secure: false)
        #expect(cookie.value(in: "a=1; haetae_session=xyz; b=2") == "xyz")
        #expect(cookie.value(in: "haetae_session=xyz") == "xyz")
        #expect(cookie.value(in: "my_haetae_session=xyz") == nil)
        #expect(cookie.value(in: "haetae_session=") == nil)
        #expect(cookie.value(in: nil) == nil)
        #expect(SessionCookie(secure: true).value(in: "haetae_session=plain") == nil, "a plain cookie is not the TLS one")
    }
}
