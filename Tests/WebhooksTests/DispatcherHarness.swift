import Foundation
import Logging
import MetricsTestKit
import NIOSSL
import TestSupport
@testable import Webhooks

/// A dispatcher over a fresh outbox file, with test metrics, and a second connection to inspect
/// the file while the dispatcher owns its own.
struct DispatcherHarness {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    let directory: TemporaryDirectory
    let path: String
    let metrics = TestMetrics()
    let dispatcher: WebhookDispatcher

    /// Small delays so retries happen within a test.
    static let fastRetries = WebhookDispatcherConfiguration(
        retryPolicy: RetryPolicy(initialBackoff: .milliseconds(50), maximumBackoff: .seconds(2)),
        userAgent: "haetae-edge/test", idlePoll: .seconds(1))

    init(receivers: [WebhookReceiver], configuration: WebhookDispatcherConfiguration = fastRetries, path: String? = nil) throws {
        directory = try TemporaryDirectory(prefix: "haetae-dispatcher")
        self.path = path ?? directory.file("webhooks.db")
        var logger = Logger(label: "webhooks-test")
        logger.logLevel = .warning
        dispatcher = WebhookDispatcher(
            outbox: try WebhookOutbox(path: self.path), receivers: receivers, configuration: configuration,
            logger: logger, metricsFactory: metrics)
    }

    static func receiver(
        _ name: String, url: String, timeout: Duration = .seconds(5), maxAge: Duration = .seconds(60),
        maxConcurrentDeliveries: Int = 4, tls: TLSConfiguration? = nil
    ) throws -> WebhookReceiver {
        WebhookReceiver(
            name: name, url: url, secret: try WebhookSecret(parsing: secret), timeout: timeout, maxAge: maxAge,
            maxConcurrentDeliveries: maxConcurrentDeliveries, tls: tls)
    }

    /// Runs the dispatcher around `body`, then cancels it and waits for `run()` to return.
    func running<T>(_ body: () async throws -> T) async throws -> T {
        let task = Task { try await dispatcher.run() }
        do {
            let result = try await body()
            task.cancel()
            try await task.value
            return result
        } catch {
            task.cancel()
            _ = try? await task.value
            throw error
        }
    }

    /// A message as stored, read through a connection of its own.
    func stored(_ receiver: String, _ id: String) throws -> WebhookOutboxMessage? {
        try WebhookOutbox(path: path).message(receiver: receiver, id: id)
    }

    /// Waits until the stored message is in `state`.
    func waitFor(_ state: WebhookOutboxMessage.State, _ receiver: String, _ id: String, timeout: Duration = .seconds(10)) async -> Bool {
        await eventually(timeout: timeout) { (try? stored(receiver, id)?.state) == state }
    }

    func deliveries(_ receiver: String, _ outcome: String) -> Int64 {
        metrics.counterTotal(label: "haetae_webhook_deliveries_total", dimensions: [("receiver", receiver), ("outcome", outcome)])
    }

    static func body(_ n: Int = 1) -> [UInt8] {
        Array(#"{"type":"alert.firing","timestamp":"2026-11-20T10:00:00Z","data":{"rule":"furnace-overheat","value":\#(n)}}"#.utf8)
    }
}
