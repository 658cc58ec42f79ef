import ServiceLifecycle
import Webhooks

/// Runs the webhook dispatcher in the edge's service group until shutdown. Undelivered
/// messages stay in the outbox and go out after the next start.
struct WebhookDeliveryService: Service {
    let dispatcher: WebhookDispatcher

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await dispatcher.run()
        }
    }
}
