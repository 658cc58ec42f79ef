import AccessControl
import Accounts
import Foundation
import Hummingbird

/// Who may do what: edges post with their own token; reads need a page session, the read token,
/// or come from loopback when no read token is configured; changes from the page need a session
/// whose role allows them and its CSRF token.
struct Authorizer: Sendable {
    let edgeTokens: EdgeTokens
    let readToken: String?
    /// The page's accounts (`auth.users_file`); nil without.
    var accounts: PageAccounts?
    /// Mutual TLS (`http.tls.client_ca_file`): edge requests also need a client certificate whose
    /// common name is the edge's name.
    var requiresClientCertificate = false

    /// The edge a request's bearer token belongs to; 401 without one or with an unknown one.
    func edge(of request: Request) throws -> String {
        guard let token = HTTPAccess.bearerToken(authorization: request.headers[.authorization]) else { throw APIError.unauthorized("missing bearer token (Authorization: Bearer <edge token>)") }
        guard let edge = edgeTokens.edge(for: token) else { throw APIError.unauthorized("unknown token") }
        return edge
    }

    /// The edge of an ingest request: its bearer token, and under mutual TLS its client
    /// certificate too, which must name the same edge (a stolen token alone is not enough).
    func edge(of request: Request, context: CoreRequestContext) async throws -> String {
        let edge = try edge(of: request)
        guard requiresClientCertificate else { return edge }
        guard let name = await context.clientCertificateCommonName() else {
            throw APIError.unauthorized("a client certificate is required (mutual TLS): present the edge's certificate (forward.tls.cert_file)")
        }
        guard name == edge else {
            throw APIError.forbidden("the client certificate is for \"\(name.prefix(64))\", the token for edge \"\(edge)\"")
        }
        return edge
    }

    /// Allows a read, or throws 401/403.
    func authorizeRead(_ request: Request, context: CoreRequestContext) throws {
        if let accounts, request.headers[.authorization] == nil, accounts.session(cookieHeader: request.headers[.cookie]) != nil {
            return
        }
        if let readToken {
            guard let token = HTTPAccess.bearerToken(authorization: request.headers[.authorization]) else { throw APIError.unauthorized("missing bearer token (the read token)") }
            guard ConstantTime.equals(token, readToken) else {
                throw APIError.unauthorized("wrong read token")
            }
        } else if !context.isLoopback {
            throw APIError.forbidden(accounts == nil
                ? "reads are allowed from loopback only (configure auth.read_token_file for remote reads, auth.users_file for people)"
                : "log in on the page (/login), or read with the read token (auth.read_token_file)")
        } else if !HTTPAccess.isLoopbackHost(request.head.authority) {
            // A page on another site whose name resolves to 127.0.0.1 (DNS rebinding) reaches
            // a local core from the browser; its requests carry that name in Host.
            throw APIError.forbidden("reads without a token need a loopback Host (localhost, 127.0.0.1, [::1]), not \((request.head.authority ?? "none").prefix(80))")
        }
    }

    /// The page session of a request; 401 without one (404 when the core has no accounts).
    func session(of request: Request) throws -> PageSession {
        guard let accounts else { throw APIError.notFound("this core has no page accounts (auth.users_file)") }
        guard let session = accounts.session(cookieHeader: request.headers[.cookie]) else {
            throw APIError(status: .unauthorized, code: "unauthorized", message: "log in on the page (/login) first")
        }
        return session
    }

    /// A read only `role` (or above) may make, from the page; 401/403 otherwise.
    func authorizeRead(_ request: Request, role: Role) throws -> PageSession {
        let session = try session(of: request)
        guard session.role.allows(role) else { throw APIError.forbidden("\(session.user) is \(session.role.rawValue); this needs \(role.rawValue)") }
        return session
    }

    /// A change from the page: a live session whose role allows `role`, sent by this core's own
    /// page (`Origin`, `Sec-Fetch-Site`) with the session's CSRF token (`X-CSRF-Token`, or the
    /// `csrf` field of a form). 401 without a session, 403 for the wrong role, another origin or
    /// a missing or wrong token.
    func authorizeChange(_ request: Request, role: Role, formToken: String? = nil) throws -> PageSession {
        let session = try authorizeRead(request, role: role)
        guard HTTPAccess.isSameOrigin(
            origin: request.headers[.origin], fetchSite: request.headers[.secFetchSite], authority: request.head.authority)
        else { throw APIError.forbidden("this request did not come from this core's page (Origin \((request.headers[.origin] ?? "none").prefix(80)))") }
        guard let token = request.headers[.xCSRFToken] ?? formToken, ConstantTime.equals(token, session.csrfToken) else {
            throw APIError.forbidden("missing or wrong CSRF token (X-CSRF-Token: the csrf_token of GET /api/v1/session)")
        }
        return session
    }
}
