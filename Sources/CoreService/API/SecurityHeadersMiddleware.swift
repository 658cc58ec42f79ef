import HTTPTypes
import Hummingbird
import SitePage

/// Puts the browser's safety headers on every answer of the core (page, assets, API, errors):
/// only the core's own scripts, styles and requests (`default-src 'self'`), never inside another
/// site's frame, no MIME sniffing, no referrer to other sites, and under TLS "HTTPS only from now on" (HSTS).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The core serves TLS.
    let secure: Bool

    static var contentSecurityPolicy: String { PageStyle.contentSecurityPolicy }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            var response = try await next(request, context)
            add(to: &response.headers)
            return response
        } catch let error as any HTTPResponseError {
            var response = try error.response(from: request, context: context)
            add(to: &response.headers)
            return response
        }
    }

    private func add(to headers: inout HTTPFields) {
        // The same list as every edge's site page (one place: they cannot drift apart).
        for (name, value) in PageStyle.securityHeaders {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        if secure { headers[.strictTransportSecurity] = "max-age=31536000" }
    }
}

extension HTTPField.Name {
    static let xCSRFToken = HTTPField.Name("X-CSRF-Token")!
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
}
