import AccessControl
import Accounts
import Foundation
import Hummingbird
import SitePage

/// The page and its accounts: `GET /` (the dashboard; with accounts only after a login),
/// `GET|POST /login`, `POST /logout`, the page's files under `/assets/`, and for the page's
/// script `GET /api/v1/session` (who is logged in, the CSRF token) and, for admins,
/// `GET /api/v1/users`.
struct PageRoutes: Sendable {
    let authorizer: Authorizer
    var accounts: PageAccounts? { authorizer.accounts }
    /// Largest login form body: a name, a password and some slack.
    static let maxFormBytes = 4_096

    func add(to router: Router<CoreRequestContext>) {
        router.get("/") { request, _ in
            if let accounts, accounts.session(cookieHeader: request.headers[.cookie]) == nil {
                return Self.redirect(to: "/login")
            }
            return Self.file(DashboardPage.html(.core), type: "text/html; charset=utf-8")
        }
        router.get("/login") { request, _ in
            guard let accounts, accounts.session(cookieHeader: request.headers[.cookie]) == nil else { return Self.redirect(to: "/") }
            return Self.file(LoginPage.html(notice: .none), type: "text/html; charset=utf-8")
        }
        router.post("/login") { request, context in
            try await login(request, context: context)
        }
        router.post("/logout") { request, _ in
            try await logout(request)
        }
        router.get("/assets/haetae.css") { _, _ in Self.file(PageStyle.css, type: "text/css; charset=utf-8") }
        router.get("/assets/dashboard.js") { _, _ in Self.file(DashboardScript.javascript, type: "text/javascript; charset=utf-8") }
        router.get("/assets/login.js") { _, _ in Self.file(LoginPage.javascript, type: "text/javascript; charset=utf-8") }
        // Also as /favicon.ico, which a browser asks for on answers that name no icon (an error page).
        for icon in ["/favicon.svg", "/favicon.ico"] {
            router.get(RouterPath(icon)) { _, _ in Self.file(PageStyle.favicon, type: "image/svg+xml") }
        }
        router.get("/api/v1/session") { request, _ in
            // Without accounts there is nobody to be: the page then shows no login box.
            guard accounts != nil else { return try Self.json(["accounts": false]) }
            let session = try authorizer.session(of: request)
            return try Self.json([
                "accounts": true, "user": session.user, "role": session.role.rawValue, "csrf_token": session.csrfToken,
                "expires_at": Self.iso8601(millis: session.expiresAtMillis),
            ])
        }
        router.get("/api/v1/users") { request, _ in
            _ = try authorizer.authorizeRead(request, role: .admin)
            guard let accounts else { throw APIError.notFound("this core has no page accounts") }
            let live = accounts.liveSessions()
            let users = accounts.directory.all().map { ["name": $0.name, "role": $0.role.rawValue, "sessions": live[$0.name] ?? 0] as [String: Any] }
            return try Self.json(["users": users])
        }
    }

    private func login(_ request: Request, context: CoreRequestContext) async throws -> Response {
        guard let accounts else { throw APIError.notFound("this core has no page accounts (auth.users_file); the page is open to this machine only") }
        guard HTTPAccess.isSameOrigin(
            origin: request.headers[.origin], fetchSite: request.headers[.secFetchSite], authority: request.head.authority)
        else {
            // Login CSRF: another site's form would log the browser in to an account of the attacker's.
            return Self.loginPage(.origin, status: .forbidden)
        }
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            throw APIError.unsupportedMediaType("log in with a form: Content-Type application/x-www-form-urlencoded, fields user and password")
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: Self.maxFormBytes)
        } catch {
            throw APIError.tooLarge("a login form has at most \(Self.maxFormBytes) bytes")
        }
        guard let fields = FormFields.parse(Array(body.readableBytesView)), let name = fields["user"], let password = fields["password"] else {
            return Self.loginPage(.invalid, status: .badRequest)
        }
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        switch await accounts.login(name: name, password: password, address: address) {
        case .opened(let cookie, _):
            var response = Self.redirect(to: "/")
            response.headers[.setCookie] = accounts.cookie.setting(cookie, maxAgeSeconds: accounts.cookieMaxAgeSeconds)
            return response
        case .invalid:
            return Self.loginPage(.invalid, status: .unauthorized)
        case .throttled(let seconds):
            var response = Self.loginPage(.throttled, status: .tooManyRequests, retryAfterSeconds: seconds)
            response.headers[.retryAfter] = String(seconds)
            return response
        case .busy:
            var response = Self.loginPage(.busy, status: .serviceUnavailable)
            response.headers[.retryAfter] = "1"
            return response
        }
    }

    private func logout(_ request: Request) async throws -> Response {
        guard let accounts else { throw APIError.notFound("this core has no page accounts (auth.users_file)") }
        // Even without a session: another site's form must not clear this page's cookie.
        guard HTTPAccess.isSameOrigin(
            origin: request.headers[.origin], fetchSite: request.headers[.secFetchSite], authority: request.head.authority)
        else { throw APIError.forbidden("this request did not come from this core's page (Origin \((request.headers[.origin] ?? "none").prefix(80)))") }
        if accounts.session(cookieHeader: request.headers[.cookie]) != nil {
            var formToken: String?
            if request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
                var request = request
                if let body = try? await request.collectBody(upTo: Self.maxFormBytes) {
                    formToken = FormFields.parse(Array(body.readableBytesView))?["csrf"]
                }
            }
            _ = try authorizer.authorizeChange(request, role: .viewer, formToken: formToken)
            accounts.logout(cookieHeader: request.headers[.cookie])
        }
        var response = Self.redirect(to: "/login")
        response.headers[.setCookie] = accounts.cookie.clearing
        return response
    }

    // MARK: - Answers

    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    static func file(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func loginPage(_ notice: LoginPage.Notice, status: HTTPResponse.Status, retryAfterSeconds: Int64 = 0) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: LoginPage.html(notice: notice, retryAfterSeconds: retryAfterSeconds))))
    }

    static func json(_ object: [String: Any]) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func iso8601(millis: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1_000))
    }

    /// Haetae's mark: a small shield, drawn, so the page loads no image from elsewhere.
}
