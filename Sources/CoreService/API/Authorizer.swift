import AccessControl
import Foundation
import Hummingbird

/// Who may do what: edges post with their own token; reads need the read token, or come from
/// loopback when none is configured.
struct Authorizer: Sendable {
    let edgeTokens: EdgeTokens
    let readToken: String?
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
        if let readToken {
            guard let token = HTTPAccess.bearerToken(authorization: request.headers[.authorization]) else { throw APIError.unauthorized("missing bearer token (the read token)") }
            guard ConstantTime.equals(token, readToken) else {
                throw APIError.unauthorized("wrong read token")
            }
        } else if !context.isLoopback {
            throw APIError.forbidden("reads are allowed from loopback only (configure auth.read_token_file for remote reads)")
        } else if !HTTPAccess.isLoopbackHost(request.head.authority) {
            // A page on another site whose name resolves to 127.0.0.1 (DNS rebinding) reaches
            // a local core from the browser; its requests carry that name in Host.
            throw APIError.forbidden("reads without a token need a loopback Host (localhost, 127.0.0.1, [::1]), not \((request.head.authority ?? "none").prefix(80))")
        }
    }

}
