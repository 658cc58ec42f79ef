import AccessControl
import Hummingbird

/// Who may read the ops API (`/api/v1/…`: alerts, rules, stop commands): a peer on this machine
/// whose Host header names this machine, or anyone with `http.api_token_file`'s token. The
/// probes and `/metrics` are not under `/api/` and stay open.
struct OpsAPIAccess: RouterMiddleware {
    typealias Context = OpsRequestContext
    /// `http.api_token_file`'s token; nil: loopback only.
    let token: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/api/") else { return try await next(request, context) }
        if let given = HTTPAccess.bearerToken(authorization: request.headers[.authorization]) {
            guard let token, ConstantTime.equals(given, token) else { return Self.refusal(.unauthorized, "wrong token") }
            return try await next(request, context)
        }
        guard HTTPAccess.isLoopbackAddress(context.remoteAddress?.ipAddress) else {
            return Self.refusal(
                .unauthorized,
                token == nil ? "the ops API answers loopback only (set http.api_token_file to allow other machines with a token)"
                    : "missing bearer token (Authorization: Bearer <http.api_token_file>)")
        }
        guard HTTPAccess.isLoopbackHost(request.head.authority) else {
            return Self.refusal(.forbidden, "requests without a token need a loopback Host (localhost, 127.0.0.1, [::1])")
        }
        return try await next(request, context)
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
