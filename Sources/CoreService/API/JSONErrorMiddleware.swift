import CoreStorage
import Hummingbird

/// Turns Hummingbird's own errors (no such route: 404, a body it refused …) and the store's
/// (``ReadingStoreError``: a store not open yet or standing by is 503, so edges retry) into the
/// API's JSON error form, so every error a client sees is `{"error":{"code":…,"message":…}}`.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let code = switch error.status {
            case .notFound: "not_found"
            case .methodNotAllowed: "method_not_allowed"
            case .contentTooLarge: "too_large"
            case .badRequest: "bad_request"
            default: "http_\(error.status.code)"
            }
            let message = error.body ?? (error.status == .notFound
                ? "no \(request.method.rawValue) \(request.uri.path.prefix(200)) here; the API is under /api/v1 (see the README)"
                : error.status.reasonPhrase)
            throw APIError(status: error.status, code: code, message: message)
        } catch let error as ReadingStoreError {
            switch error.code {
            case .invalidBatch, .invalidQuery: throw APIError.badRequest(error.message)
            case .unavailable, .closed: throw APIError.unavailable(error.message)
            // The edge answers a 409 by sending the batch again with every series key defined.
            case .unknownSeries: throw APIError.conflict(code: "unknown_series", error.message)
            // Not `duplicate`: the edge must keep this batch (it parks it and reports it).
            case .batchConflict: throw APIError.conflict(code: "batch_conflict", error.message)
            default: throw APIError(status: .internalServerError, code: "store_error", message: error.description)
            }
        }
    }
}

extension ReadingStoreError {
    /// True when the store refused the request itself (answered 4xx above), false when the store
    /// failed (5xx: the edge retries). Keep in step with the mapping in ``JSONErrorMiddleware``.
    var refusesRequest: Bool {
        [.invalidBatch, .invalidQuery, .unknownSeries, .batchConflict].contains(code)
    }
}
