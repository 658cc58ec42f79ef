import Accounts
import Testing

@Suite("Page sessions: open, resume, idle and lifetime expiry, bounded, closed by logout and account changes")
struct SessionTableTests {
    @Test("a session is found from its cookie and its CSRF token differs from the cookie; another cookie finds nothing")
    func resume() {
        var table = SessionTable(idleMillis: 60_000, lifetimeMillis: 3_600_000)
        let (cookie, opened) = table.open(user: "ana", role: .operator, credential: "h1", nowMillis: 1_000)
        #expect(cookie.utf8.count == 43 && opened.csrfToken.utf8.count == 43 && cookie != opened.csrfToken)
        #expect(table.resume(cookie: cookie, nowMillis: 2_000)?.user == "ana")
        #expect(table.resume(cookie: cookie + "x", nowMillis: 2_000) == nil)
        #expect(table.resume(cookie: String(repeating: "a", count: 4_000), nowMillis: 2_000) == nil)
    }

    @Test("unused for the idle time, or past its lifetime however busy, a session is gone")
    func expiry() {
        var table = SessionTable(idleMillis: 60_000, lifetimeMillis: 200_000)
        let (idle, _) = table.open(user: "ana", role: .viewer, credential: "h", nowMillis: 0)
        #expect(table.resume(cookie: idle, nowMillis: 59_999) != nil)
        #expect(table.resume(cookie: idle, nowMillis: 119_998) != nil, "each use starts the idle time again")
        #expect(table.resume(cookie: idle, nowMillis: 179_998) == nil, "60 s without use")
        let (busy, _) = table.open(user: "ana", role: .viewer, credential: "h", nowMillis: 0)
        for now in stride(from: Int64(10_000), to: 200_000, by: 10_000) { #expect(table.resume(cookie: busy, nowMillis: now) != nil) }
        #expect(table.resume(cookie: busy, nowMillis: 200_000) == nil, "the lifetime ends it")
        #expect(table.count == 0)
    }

    @Test("logout closes one session; an account change closes all of that account's")
    func closing() {
        var table = SessionTable(idleMillis: 60_000, lifetimeMillis: 3_600_000)
        let (a1, _) = table.open(user: "ana", role: .admin, credential: "h", nowMillis: 0)
        let (a2, _) = table.open(user: "ana", role: .admin, credential: "h", nowMillis: 0)
        let (m, _) = table.open(user: "minsu", role: .viewer, credential: "h", nowMillis: 0)
        table.close(cookie: a1)
        #expect(table.resume(cookie: a1, nowMillis: 1) == nil && table.resume(cookie: a2, nowMillis: 1) != nil)
        #expect(table.liveCounts(nowMillis: 1) == ["ana": 1, "minsu": 1])
        table.closeAll(user: "ana")
        #expect(table.resume(cookie: a2, nowMillis: 2) == nil && table.resume(cookie: m, nowMillis: 2) != nil)
    }

    @Test("at capacity the session used least recently gives way, expired ones first")
    func bounded() {
        var table = SessionTable(idleMillis: 1_000_000, lifetimeMillis: 10_000_000, capacity: 3)
        let (first, _) = table.open(user: "a", role: .viewer, credential: "h", nowMillis: 0)
        let (second, _) = table.open(user: "b", role: .viewer, credential: "h", nowMillis: 1)
        let (third, _) = table.open(user: "c", role: .viewer, credential: "h", nowMillis: 2)
        _ = table.resume(cookie: first, nowMillis: 3)
        let (fourth, _) = table.open(user: "d", role: .viewer, credential: "h", nowMillis: 4)
        #expect(table.count == 3)
        #expect(table.resume(cookie: second, nowMillis: 5) == nil, "b was used least recently")
        #expect(table.resume(cookie: first, nowMillis: 5) != nil && table.resume(cookie: third, nowMillis: 5) != nil && table.resume(cookie: fourth, nowMillis: 5) != nil)
    }
}
