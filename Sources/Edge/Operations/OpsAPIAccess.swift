import AccessControl
import Foundation
import Hummingbird

/// Who may read the ops API (`/api/v1/…`: alerts, rules, stop commands, the site page's data): a
/// peer on this machine whose Host header names this machine, or anyone with
/// `http.api_token_file`'s token. A machine in `http.page_networks` may read the site page's
/// data (``SiteRoutes/pagePaths``, GET only) without a token, when its Host header is an IP
/// address or `http.page_url`'s host (a rebound DNS name is not). The probes, `/metrics` and the
/// page itself (`/`, `/assets/…`: no data) are not under `/api/` and stay open.
struct OpsAPIAccess: RouterMiddleware {
    typealias Context = OpsRequestContext
    /// `http.api_token_file`'s token; nil: loopback only.
    let token: String?
    /// `http.page_networks`.
    var pageNetworks: [NetworkRange] = []
    /// `http.page_url`'s host, lowercased.
    var pageHost: String?

    /// What to do with a request.
    enum Verdict: Equatable {
        case allow
        case refuse(HTTPResponse.Status, String)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        switch verdict(
            path: request.uri.path, method: request.method, peer: context.remoteAddress?.ipAddress,
            authority: request.head.authority, authorization: request.headers[.authorization])
        {
        case .allow: return try await next(request, context)
        case .refuse(let status, let message): return Self.refusal(status, message)
        }
    }

    /// The decision, without I/O.
    func verdict(path rawPath: String, method: HTTPRequest.Method, peer: String?, authority: String?, authorization: String?) -> Verdict {
        // As the router resolves it: `//api/v1/rules` and `/%61pi/v1/rules` reach `/api/v1/rules`.
        let path = Self.routed(rawPath)
        guard path.hasPrefix("/api/") || path == "/api" else { return .allow }
        if let given = HTTPAccess.bearerToken(authorization: authorization) {
            guard let token, ConstantTime.equals(given, token) else { return .refuse(.unauthorized, "wrong token") }
            return .allow
        }
        if !HTTPAccess.isLoopbackAddress(peer), method == .get, SiteRoutes.pagePaths.contains(path),
            pageNetworks.contains(where: { $0.contains(peer) })
        {
            guard NetworkRange.isAddressLiteral(host: authority) || (pageHost != nil && Self.host(of: authority) == pageHost) else {
                return .refuse(.forbidden, "the site page answers other machines when Host is an IP address or http.page_url's host")
            }
            return .allow
        }
        guard HTTPAccess.isLoopbackAddress(peer) else {
            return .refuse(
                .unauthorized,
                token == nil ? "the ops API answers loopback only (set http.api_token_file to allow other machines with a token, or http.page_networks for the site page)"
                    : "missing bearer token (Authorization: Bearer <http.api_token_file>)")
        }
        guard HTTPAccess.isLoopbackHost(authority) else {
            return .refuse(.forbidden, "requests without a token need a loopback Host (localhost, 127.0.0.1, [::1])")
        }
        return .allow
    }

    /// A request path as the router matches it: percent-decoded, without empty and `.` segments.
    static func routed(_ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
            .map { $0.removingPercentEncoding ?? String($0) }
            .filter { $0 != "." && !$0.isEmpty }
        return "/" + segments.joined(separator: "/")
    }

    /// The host part of a Host header, lowercased; nil without one.
    static func host(of authority: String?) -> String? {
        guard let authority = authority?.lowercased(), !authority.isEmpty else { return nil }
        if authority.hasPrefix("[") { return authority.firstIndex(of: "]").map { String(authority[...$0]) } }
        return authority.split(separator: ":", maxSplits: 1).first.map(String.init)
    }

    static func refusal(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let code = status == .unauthorized ? "unauthorized" : "forbidden"
        var headers: HTTPFields = [.contentType: "application/json"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(
            status: status, headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"code":"\#(code)","message":"\#(message)"}}"#)))
    }
}
