import AsyncHTTPClient
import CompressNIO
import NIOSSL
import Foundation
import NIOCore
import Webhooks

/// POSTs to the core for one lane. Each lane has its own `HTTPClient`, so its own connection
/// pool: alerts never queue for a connection behind batches in flight.
///
/// The bearer token goes only into the `Authorization` header; nothing here logs a request.
struct CoreClient: Sendable {
    let client: HTTPClient
    /// Base URLs, without a trailing `/`.
    let urls: [String]
    let token: String
    let timeout: Duration
    let userAgent: String

    /// A client with up to `connections` connections per core and no redirects (a redirect
    /// would carry the token elsewhere).
    /// - Parameter tls: for https:// to a core signed by a private CA (``HTTPClientTLS``); with
    ///   a client certificate the core can check which edge this is (mutual TLS).
    static func makeHTTPClient(connections: Int, timeout: Duration, tls: TLSConfiguration?) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.tlsConfiguration = tls
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .milliseconds(min(timeout.milliseconds, 5_000)))
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, connections))
        // The lanes back off themselves. Left on, the pool's own hidden retry backoff grows
        // through a long outage (toward a minute), and a request after the core is back waits
        // for the pool's next attempt: bench-backlog saw the drain start 28–57 s late.
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Response bodies are read (so the connection can be reused) up to this size, then dropped.
    static let responseBodyLimit = 64 * 1024

    /// Sends one POST of `body` to `path` on core URL `urlIndex` and classifies the result. A
    /// 2xx counts only when its body is the core's answer with one of `acknowledgedBy` as its
    /// `status`; anything else that says 2xx is ``ForwardOutcome/foreignAnswer(status:)``.
    func post(
        path: String, urlIndex: Int, body: ByteBuffer, gzipped: Bool, idempotencyKey: String?, acknowledgedBy: Set<String>
    ) async -> ForwardOutcome {
        await postReadingAnswer(
            path: path, urlIndex: urlIndex, body: body, gzipped: gzipped, idempotencyKey: idempotencyKey, acknowledgedBy: acknowledgedBy
        ).outcome
    }

    /// ``post(path:urlIndex:body:gzipped:idempotencyKey:acknowledgedBy:)``, with the core's answer
    /// when it acknowledged (what it says it kept).
    func postReadingAnswer(
        path: String, urlIndex: Int, body: ByteBuffer, gzipped: Bool, idempotencyKey: String?, acknowledgedBy: Set<String>
    ) async -> (outcome: ForwardOutcome, answer: ByteBuffer?) {
        var request = HTTPClientRequest(url: urls[urlIndex] + path)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        if gzipped { request.headers.add(name: "Content-Encoding", value: "gzip") }
        if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        request.headers.add(name: "User-Agent", value: userAgent)
        request.body = .bytes(body)
        do {
            let response = try await client.execute(request, timeout: .milliseconds(timeout.milliseconds))
            // Read so the connection can be reused; past the limit it is not the core's answer.
            let answer = try? await response.body.collect(upTo: Self.responseBodyLimit)
            let outcome = ForwardOutcome.classify(status: Int(response.status.code), retryAfter: response.headers.first(name: "retry-after"))
            if case .acknowledged(let status) = outcome,
                !(answer.map { ForwardOutcome.isCoreAcknowledgement($0, statuses: acknowledgedBy) } ?? false)
            {
                return (.foreignAnswer(status: status), nil)
            }
            return (outcome, answer)
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            return (.unreachable(reason: "no answer within \(timeout.milliseconds) ms"), nil)
        } catch {
            return (.unreachable(reason: Self.describe(error)), nil)
        }
    }

    /// Sends one GET of `path` to core URL `urlIndex`: the body of a 200 (at most `limit` bytes),
    /// or why not, classified as for a POST.
    func get(path: String, urlIndex: Int, limit: Int) async -> Result<[UInt8], GetFailure> {
        var request = HTTPClientRequest(url: urls[urlIndex] + path)
        request.method = .GET
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "User-Agent", value: userAgent)
        do {
            let response = try await client.execute(request, timeout: .milliseconds(timeout.milliseconds))
            guard response.status.code == 200 else {
                _ = try? await response.body.collect(upTo: Self.responseBodyLimit)
                return .failure(GetFailure(outcome: ForwardOutcome.classify(
                    status: Int(response.status.code), retryAfter: response.headers.first(name: "retry-after"))))
            }
            let body = try await response.body.collect(upTo: limit)
            return .success(Array(body.readableBytesView))
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            return .failure(GetFailure(outcome: .unreachable(reason: "no answer within \(timeout.milliseconds) ms")))
        } catch {
            return .failure(GetFailure(outcome: .unreachable(reason: Self.describe(error))))
        }
    }

    /// Why a GET did not bring a body.
    struct GetFailure: Error, Sendable, Equatable {
        var outcome: ForwardOutcome
    }

    /// A short, token-free description of a transport error.
    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}

/// gzip (RFC 1952) through zlib, once per batch.
enum Gzip {
    static func compress(_ bytes: [UInt8]) throws -> ByteBuffer {
        var input = ByteBuffer(bytes: bytes)
        return try input.compress(with: .gzip())
    }
}
