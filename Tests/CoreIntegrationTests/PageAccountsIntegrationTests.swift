import Foundation
import Readings
import TestSupport
import Testing

/// The page's accounts against a real haetae-core over HTTPS: users made with the real
/// `haetae-core user` command, logins, the session cookie, CSRF, throttling, security headers,
/// and accounts changed while the core runs.
@Suite("Page accounts (integration)", .serialized, .timeLimit(.minutes(3)))
struct PageAccountsIntegrationTests {
    static let adminPassword = "correct-horse-battery-07"
    static let readToken = "read-token-0123456789abcdef"

    /// A core on HTTPS with a users file (ana: admin, by `--password-stdin`; vic: viewer, by
    /// `--generate`) and a read token, so reads without a session need that token even here.
    final class AccountsCore: @unchecked Sendable {  // used from one test task at a time
        let core: CoreProcess
        let authority: TestCertificateAuthority
        let viewerPassword: String
        var url: String { "https://127.0.0.1:\(core.port)" }
        var usersFile: String { core.directory.file("users.txt") }

        init(auth: String = "") async throws {
            authority = try await TestCertificateAuthority()
            core = try CoreProcess(
                http: "tls: {cert_file: \(authority.serverCertificate), key_file: \(authority.serverKey)}",
                auth: "users_file: users.txt\nread_token_file: read.token\n" + auth)
            try (PageAccountsIntegrationTests.readToken + "\n").write(toFile: core.directory.file("read.token"), atomically: true, encoding: .utf8)
            let added = try await Self.user(["add", "ana", "--role", "admin", "--file", core.directory.file("users.txt"), "--password-stdin", "--cost", "10"],
                                            input: PageAccountsIntegrationTests.adminPassword)
            #expect(added.contains("added ana (admin)"), "\(added)")
            let generated = try await Self.user(["add", "vic", "--role", "viewer", "--file", core.directory.file("users.txt"), "--generate", "--cost", "10"])
            viewerPassword = try #require(generated.split(separator: "\n").first { $0.contains("shown once") }?.split(separator: " ").last.map(String.init))
            try await core.start(waitReady: false)
            let ready = await eventually(timeout: .seconds(30), poll: .milliseconds(100)) { [url, authority] in
                (try? await Curl.run(["--cacert", authority.caCertificate, "\(url)/readyz"]))?.status == 200
            }
            guard ready else { throw TestSupportError("the HTTPS core did not become ready: \(core.output())") }
        }

        /// Runs `haetae-core user …` with `input` on standard input; its output, or throws with it.
        static func user(_ arguments: [String], input: String? = nil) async throws -> String {
            let binary = try BuiltProducts.executable("haetae-core")
            let command = ([binary, "user"] + arguments).map { "'\($0)'" }.joined(separator: " ")
            let shell = input.map { "printf '%s\\n' '\($0)' | \(command)" } ?? "\(command) < /dev/null"
            let process = try ChildProcess("/bin/sh", ["-c", shell + " 2>&1"])
            let status = await process.waitForExit(timeout: .seconds(60))
            guard status == 0 else { throw TestSupportError("haetae-core user \(arguments.joined(separator: " ")) exited \(status.map(String.init) ?? "late"): \(process.output())") }
            return process.standardOutput()
        }

        /// curl against the core, trusting the test CA.
        func curl(_ path: String, _ arguments: [String] = []) async throws -> Curl.Response {
            try await Curl.run(["--cacert", authority.caCertificate] + arguments + ["\(url)\(path)"])
        }

        /// Logs in with the form; the response (its Set-Cookie holds the session).
        func login(_ name: String, _ password: String, origin: String? = nil) async throws -> Curl.Response {
            var arguments = ["-X", "POST", "--data-urlencode", "user=\(name)", "--data-urlencode", "password=\(password)"]
            if let origin { arguments += ["-H", "Origin: \(origin)"] }
            return try await curl("/login", arguments)
        }

        /// Logs in and returns the `Cookie` header value for the session.
        func session(_ name: String, _ password: String) async throws -> String {
            let response = try await login(name, password)
            #expect(response.status == 303, "\(response.body)")
            let setCookie = try #require(response.header("set-cookie"))
            return String(setCookie.split(separator: ";")[0])
        }

        deinit { _ = core.child?.kill() }
    }

    @Test("without a session the page sends you to the login page; every answer carries the security headers; the session API says 401")
    func loginFirst() async throws {
        let core = try await AccountsCore()
        let page = try await core.curl("/")
        #expect(page.status == 303 && page.header("location") == "/login")
        let login = try await core.curl("/login")
        #expect(login.status == 200 && login.body.contains(#"action="/login""#) && !login.body.contains("<script>"), "no inline script")
        for answer in [page, login, try await core.curl("/assets/dashboard.js"), try await core.curl("/api/v1/sites"), try await core.curl("/nothing")] {
            #expect(answer.header("content-security-policy") == "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'")
            #expect(answer.header("x-content-type-options") == "nosniff")
            #expect(answer.header("referrer-policy") == "same-origin")
            #expect(answer.header("x-frame-options") == "DENY")
            #expect(answer.header("strict-transport-security") == "max-age=31536000")
        }
        #expect(try await core.curl("/api/v1/session").status == 401)
        #expect(try await core.curl("/api/v1/sites").status == 401, "a read token is configured: no session, no token, no reads")
        #expect(try await core.curl("/assets/haetae.css").header("content-type") == "text/css; charset=utf-8")
        await core.core.stop()
    }

    @Test("the right password opens a session (__Host-, Secure, HttpOnly, SameSite=Strict) that reads the page and the API; a wrong password and an unknown name get the same 401")
    func login() async throws {
        let core = try await AccountsCore()
        let wrong = try await core.login("ana", "not-the-password-at-all")
        let unknown = try await core.login("nobody", "not-the-password-at-all")
        #expect(wrong.status == 401 && unknown.status == 401 && wrong.body == unknown.body, "the answer does not tell which")
        #expect(wrong.header("set-cookie") == nil)
        #expect(wrong.body.contains(#"data-notice="invalid""#))

        let response = try await core.login("ana", Self.adminPassword)
        #expect(response.status == 303 && response.header("location") == "/")
        let setCookie = try #require(response.header("set-cookie"))
        #expect(setCookie.hasPrefix("__Host-haetae_session="))
        for flag in ["Path=/", "HttpOnly", "SameSite=Strict", "Secure", "Max-Age=43200"] { #expect(setCookie.contains(flag), "\(setCookie)") }
        let cookie = String(setCookie.split(separator: ";")[0])
        #expect(try await core.curl("/", ["-H", "Cookie: \(cookie)"]).status == 200)
        #expect(try await core.curl("/api/v1/sites", ["-H", "Cookie: \(cookie)"]).status == 200)
        let me = try await core.curl("/api/v1/session", ["-H", "Cookie: \(cookie)"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(me.body.utf8)) as? [String: Any])
        #expect(object["user"] as? String == "ana" && object["role"] as? String == "admin")
        #expect((object["csrf_token"] as? String)?.count == 43)
        #expect(try await core.curl("/login", ["-H", "Cookie: \(cookie)"]).status == 303, "logged in: the login page sends you on")
        // Machine reads keep their bearer token; a wrong cookie is no session.
        #expect(try await core.curl("/api/v1/sites", ["-H", "Authorization: Bearer \(Self.readToken)"]).status == 200)
        #expect(try await core.curl("/api/v1/sites", ["-H", "Cookie: \(cookie)x"]).status == 401)
        await core.core.stop()
        #expect(!core.core.output().contains(Self.adminPassword), "a password is never logged")
    }

    @Test("logout needs the session's CSRF token and this page's origin; after it the session is gone")
    func logoutNeedsCSRF() async throws {
        let core = try await AccountsCore()
        let cookie = try await core.session("ana", Self.adminPassword)
        let me = try await core.curl("/api/v1/session", ["-H", "Cookie: \(cookie)"])
        let csrf = try #require((try JSONSerialization.jsonObject(with: Data(me.body.utf8)) as? [String: Any])?["csrf_token"] as? String)
        #expect(try await core.curl("/logout", ["-X", "POST", "-H", "Cookie: \(cookie)"]).status == 403, "no token")
        #expect(try await core.curl("/logout", ["-X", "POST", "-H", "Cookie: \(cookie)", "-H", "X-CSRF-Token: \(csrf.dropLast())\(csrf.hasSuffix("A") ? "B" : "A")"]).status == 403, "a wrong token (its last character changed, never to itself)")
        #expect(try await core.curl("/logout", ["-X", "POST", "-H", "Cookie: \(cookie)", "-H", "X-CSRF-Token: \(csrf)", "-H", "Origin: https://evil.example"]).status == 403)
        #expect(try await core.curl("/logout", ["-X", "POST", "-H", "Cookie: \(cookie)", "-H", "X-CSRF-Token: \(csrf)", "-H", "Sec-Fetch-Site: cross-site"]).status == 403)
        #expect(try await core.curl("/api/v1/session", ["-H", "Cookie: \(cookie)"]).status == 200, "refused logouts changed nothing")
        let out = try await core.curl("/logout", ["-X", "POST", "-H", "Cookie: \(cookie)", "-H", "X-CSRF-Token: \(csrf)", "-H", "Origin: \(core.url)"])
        #expect(out.status == 303 && out.header("location") == "/login")
        #expect(out.header("set-cookie")?.contains("Max-Age=0") == true)
        #expect(try await core.curl("/api/v1/session", ["-H", "Cookie: \(cookie)"]).status == 401)
        #expect(try await core.curl("/", ["-H", "Cookie: \(cookie)"]).status == 303)
        await core.core.stop()
    }

    @Test("five wrong passwords throttle that name (429 with Retry-After, even for the right password); other names still log in; a login from another site's form is refused")
    func throttled() async throws {
        let core = try await AccountsCore()
        for _ in 0..<5 { #expect(try await core.login("ana", "wrong-password-guess").status == 401) }
        let refused = try await core.login("ana", Self.adminPassword)
        #expect(refused.status == 429 && refused.header("set-cookie") == nil)
        #expect(Int(refused.header("retry-after") ?? "") ?? 0 > 800)
        #expect(refused.body.contains(#"data-notice="throttled""#))
        #expect(try await core.login("vic", core.viewerPassword).status == 303)
        let foreign = try await core.login("vic", core.viewerPassword, origin: "https://evil.example")
        #expect(foreign.status == 403 && foreign.header("set-cookie") == nil)
        let huge = try await core.curl("/login", ["-X", "POST", "--data-binary", "user=vic&password=\(String(repeating: "x", count: 10_000))",
                                                  "-H", "Content-Type: application/x-www-form-urlencoded"])
        #expect(huge.status == 413)
        #expect(try await core.curl("/login", ["-X", "POST", "-H", "Content-Type: application/json", "--data", "{}"]).status == 415)
        await core.core.stop()
        #expect(core.core.output().contains("too many failures"))
    }

    @Test("roles: only an admin lists the accounts; accounts changed while the core runs take effect: a new password or role ends the sessions, a removed account cannot log in")
    func accountsChangeWhileRunning() async throws {
        let core = try await AccountsCore()
        let admin = try await core.session("ana", Self.adminPassword)
        let viewer = try await core.session("vic", core.viewerPassword)
        #expect(try await core.curl("/api/v1/users", ["-H", "Cookie: \(viewer)"]).status == 403)
        let list = try await core.curl("/api/v1/users", ["-H", "Cookie: \(admin)"])
        #expect(list.status == 200 && list.body.contains(#""name":"vic""#) && list.body.contains(#""role":"viewer""#) && !list.body.contains("$2b$"))
        let listed = try await AccountsCore.user(["list", "--file", core.usersFile])
        #expect(listed == "ana\tadmin\nvic\tviewer\n")

        _ = try await AccountsCore.user(["passwd", "vic", "--file", core.usersFile, "--password-stdin", "--cost", "10"], input: "a-new-viewer-password")
        #expect(await eventually(timeout: .seconds(5)) { (try? await core.curl("/api/v1/session", ["-H", "Cookie: \(viewer)"]))?.status == 401 },
                "the new password ended vic's session")
        #expect(try await core.login("vic", core.viewerPassword).status == 401)
        let again = try await core.session("vic", "a-new-viewer-password")
        _ = try await AccountsCore.user(["role", "vic", "operator", "--file", core.usersFile])
        #expect(await eventually(timeout: .seconds(5)) { (try? await core.curl("/api/v1/session", ["-H", "Cookie: \(again)"]))?.status == 401 })
        _ = try await AccountsCore.user(["remove", "vic", "--file", core.usersFile])
        #expect(await eventually(timeout: .seconds(5)) { (try? await core.login("vic", "a-new-viewer-password"))?.status == 401 })
        #expect(try await core.curl("/api/v1/session", ["-H", "Cookie: \(admin)"]).status == 200, "ana's session is untouched")
        await core.core.stop()
    }

    @Test("haetae-core user refuses what it cannot keep: a short password, an unknown role, a bad name, a second account of one name; config check names a bad users file's line")
    func userCommandErrors() async throws {
        let directory = try TemporaryDirectory(prefix: "haetae-users")
        let file = directory.file("users.txt")
        await #expect(throws: TestSupportError.self) { try await AccountsCore.user(["add", "ana", "--role", "admin", "--file", file, "--password-stdin"], input: "short") }
        await #expect(throws: TestSupportError.self) { try await AccountsCore.user(["add", "ana", "--role", "boss", "--file", file, "--generate"]) }
        await #expect(throws: TestSupportError.self) { try await AccountsCore.user(["add", "a:b", "--role", "admin", "--file", file, "--generate"]) }
        await #expect(throws: TestSupportError.self) { try await AccountsCore.user(["add", "ana", "--role", "admin", "--file", file]) }
        #expect(!FileManager.default.fileExists(atPath: file), "nothing was written")
        _ = try await AccountsCore.user(["add", "ana", "--role", "admin", "--file", file, "--generate", "--cost", "10"])
        do {
            _ = try await AccountsCore.user(["add", "ana", "--role", "viewer", "--file", file, "--generate"])
            Issue.record("a second ana was added")
        } catch {
            #expect("\(error)".contains("ana exists already"), "\(error)")
        }
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let core = try CoreProcess(auth: "users_file: users.txt")
        try "# accounts\nana:boss:$2b$10$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234\n".write(
            toFile: core.directory.file("users.txt"), atomically: true, encoding: .utf8)
        let check = try ChildProcess(core.binary, ["config", "check", "--config", core.configPath])
        #expect(await check.waitForExit(timeout: .seconds(20)) == 1)
        #expect(check.output().contains("users.txt:2: unknown role \"boss\""), "\(check.output())")
    }
}

/// curl as a test's HTTP client: status, response headers and body.
enum Curl {
    struct Response: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: String

        /// The first header of `name` (lower case).
        func header(_ name: String) -> String? { headers.first { $0.0 == name }?.1 }
    }

    /// Runs `curl -sS -i` with `arguments`; throws when curl fails (no answer).
    static func run(_ arguments: [String]) async throws -> Response {
        let process = try ChildProcess("curl", ["-sS", "-i", "--max-time", "20"] + arguments)
        let status = await process.waitForExit(timeout: .seconds(30))
        guard status == 0 else { throw TestSupportError("curl \(arguments.joined(separator: " ")): \(process.output())") }
        let text = process.standardOutput()
        guard let end = text.range(of: "\r\n\r\n") else { throw TestSupportError("curl: no HTTP answer: \(text)") }
        let lines = text[..<end.lowerBound].split(separator: "\r\n")
        let code = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Response(status: code, headers: headers, body: String(text[end.upperBound...]))
    }
}

@Suite("Login in Chromium (integration)", .serialized, .timeLimit(.minutes(4)))
struct LoginBrowserTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/login_check.py").path

    /// Runs login_check.py and returns what it saw.
    static func check(_ arguments: [String]) async throws -> [String: Any] {
        let check = try ChildProcess("python3", [script] + arguments)
        let status = await check.waitForExit(timeout: .seconds(150))
        #expect(status == 0, "\(check.output())")
        return try #require(try JSONSerialization.jsonObject(with: Data(check.standardOutput().utf8)) as? [String: Any], "\(check.output())")
    }

    @Test("in a browser, through the real login page: Korean and English, wrong passwords then the throttle, a viewer without the accounts an admin sees, the session cookie out of scripts' reach, forged requests (no CSRF token, another site's form) refused, no console error under the CSP, and logout")
    func loginInChromium() async throws {
        let core = try await PageAccountsIntegrationTests.AccountsCore()
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        let batch = Batch(
            edge: "seoul-a", seq: 1, series: [Series(site: "seoul", line: "line1", device: "press-01", sensor: "temperature", unit: "C")],
            sid: [0, 0], ts: [now - 2_000, now - 1_000], value: [61, 62], deviceSeq: [1, 2])
        let body = core.core.directory.file("batch.json")
        try Data(BatchCodec.encode(batch)).write(to: URL(fileURLWithPath: body))
        let posted = try await core.curl("/api/v1/batches", [
            "-X", "POST", "-H", "Content-Type: application/json", "-H", "Idempotency-Key: \(batch.idempotencyKey)",
            "-H", "Authorization: Bearer \(CoreProcess.tokens["seoul-a"]!)", "--data-binary", "@\(body)",
        ])
        #expect(posted.status == 200, "\(posted.body)")

        let result = try await Self.check(["full", "\(core.url)/", "ana", PageAccountsIntegrationTests.adminPassword, "vic", core.viewerPassword, "kim"])
        #expect(result["first_path"] as? String == "/login")
        #expect(result["login_lang"] as? String == "ko")
        #expect(result["login_button_ko"] as? String == "로그인")
        #expect(result["login_button_en"] as? String == "Log in")
        #expect(result["wrong_notice"] as? String == "Wrong name or password.")
        #expect((result["throttled_notice"] as? String)?.hasPrefix("Too many failed logins. Try again in ") == true, "\(result["throttled_notice"] ?? "")")
        #expect(result["viewer_who"] as? String == "vic · viewer")
        #expect(result["viewer_sees_accounts"] as? Bool == false)
        #expect(result["viewer_users_api"] as? Int == 403)
        #expect(result["who"] as? String == "ana · admin")
        #expect(result["sites"] as? [String] == ["seoul"])
        #expect((result["accounts"] as? [String])?.contains { $0.hasPrefix("ana · admin · 1") } == true, "\(result["accounts"] ?? "")")
        #expect((result["accounts"] as? [String])?.contains { $0.hasPrefix("vic · viewer · 0") } == true, "vic logged out: \(result["accounts"] ?? "")")
        #expect(result["dashboard_lang"] as? String == "en", "the language chosen on the login page stays")
        #expect(result["address"] as? String == "\(core.url)/", "no token or password in the address")
        #expect(result["script_sees_cookie"] as? String == "", "HttpOnly: no script reads the session")
        let cookies = result["cookies"] as? [[String: Any]] ?? []
        #expect(cookies.count == 1)
        #expect(cookies.first?["name"] as? String == "__Host-haetae_session")
        #expect(cookies.first?["httpOnly"] as? Bool == true && cookies.first?["secure"] as? Bool == true)
        #expect(cookies.first?["sameSite"] as? String == "Strict")
        #expect(result["logout_without_token"] as? Int == 403)
        #expect(result["after_forgery_who"] as? String == "ana · admin", "another site's form did not log ana out")
        #expect(result["after_logout_path"] as? String == "/login")
        #expect(result["after_logout_reload_path"] as? String == "/login")
        #expect((result["console_errors"] as? [String])?.isEmpty == true, "\(result["console_errors"] ?? "")")
        await core.core.stop()
        #expect(core.core.output().contains("page login failed"))
    }

    @Test("in a browser: a session past its lifetime sends the page back to the login page, which says the session ended")
    func expiredSession() async throws {
        let core = try await PageAccountsIntegrationTests.AccountsCore(auth: "session_lifetime: 6s")
        let result = try await Self.check(["expiry", "\(core.url)/", "ana", PageAccountsIntegrationTests.adminPassword, "6"])
        #expect(result["who"] as? String == "ana · admin")
        #expect(result["path"] as? String == "/login")
        #expect(result["notice"] as? String == "Your session has ended. Please log in again.")
        #expect((result["console_errors"] as? [String])?.isEmpty == true, "\(result["console_errors"] ?? "")")
        await core.core.stop()
    }
}
