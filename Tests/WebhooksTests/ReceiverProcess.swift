import TestSupport

/// The shared Python receiver (TestSupport's ``WebhookReceiverProcess``), verifying with this
/// suite's secret.
typealias ReceiverProcess = WebhookReceiverProcess

extension WebhookReceiverProcess {
    /// Runs `body` with a receiver that knows ``DispatcherHarness/secret``, stopping it afterwards.
    static func with<T>(
        responses: [String] = [], then: String = "200", _ body: (WebhookReceiverProcess) async throws -> T
    ) async throws -> T {
        try await with(secret: DispatcherHarness.secret, responses: responses, then: then, body)
    }
}
