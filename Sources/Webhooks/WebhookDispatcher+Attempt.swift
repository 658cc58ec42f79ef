import AsyncHTTPClient
import Foundation

/// One HTTP attempt, off the actor.
extension WebhookDispatcher {
    /// What an attempt came to, before it is classified.
    enum AttemptResult: Sendable {
        /// The receiver answered.
        case response(status: Int, retryAfter: String?)
        /// No answer (timeout, refused, reset …); `permanent` when retrying cannot help.
        case failed(reason: String, permanent: Bool)
        /// The dispatcher is stopping.
        case cancelled
    }

    /// Response bodies are read (so the connection can be reused) up to this size, then dropped.
    static let responseBodyLimit = 64 * 1024

    /// Runs the code a first delivery would run cold (signing, a request and its response) against
    /// `url`, this process's own endpoint, a few times until it answers; the result is ignored.
    static func warmUp(url: String, client: HTTPClient, signer: WebhookSigner?) async {
        _ = signer?.headers(id: "msg_warm_up", timestamp: Int64(Date().timeIntervalSince1970), body: Array("{}".utf8))
        for _ in 0..<5 where !Task.isCancelled {
            var request = HTTPClientRequest(url: url)
            request.method = .GET
            if let response = try? await client.execute(request, timeout: .seconds(2)) {
                _ = try? await response.body.collect(upTo: responseBodyLimit)
                return
            }
            // The server may not listen yet (it starts beside the dispatcher).
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Sends one signed POST. `webhook-timestamp` is this attempt's time; the id is the message's.
    static func attempt(_ job: Job, client: HTTPClient, userAgent: String) async -> AttemptResult {
        guard let url = URL(string: job.receiver.url), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", url.host?.isEmpty == false
        else {
            return .failed(reason: "invalid receiver URL", permanent: true)
        }
        var body = job.body
        if let form = job.receiver.form {
            guard let converted = form(job.body) else {
                return .failed(reason: "the message cannot be put in this receiver's form", permanent: true)
            }
            body = converted
        }
        let timestamp = Int64(Date().timeIntervalSince1970)
        var request = HTTPClientRequest(url: job.receiver.url)
        request.tlsConfiguration = job.receiver.tls
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: userAgent)
        for (name, value) in job.signer?.headers(id: job.id, timestamp: timestamp, body: body) ?? [] {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(body)
        let timeout = job.receiver.timeout
        do {
            let response = try await client.execute(request, timeout: .milliseconds(timeout.milliseconds))
            // The status decides; a body too large or cut off does not change it.
            _ = try? await response.body.collect(upTo: responseBodyLimit)
            return .response(status: Int(response.status.code), retryAfter: response.headers.first(name: "retry-after"))
        } catch {
            if Task.isCancelled { return .cancelled }
            if let error = error as? HTTPClientError, error == .deadlineExceeded {
                return .failed(reason: "timed out after \(timeout.milliseconds) ms", permanent: false)
            }
            return .failed(reason: "\(error)", permanent: false)
        }
    }
}
