/// The `# HELP` text of the webhook dispatcher's metrics (``WebhookMetrics``).
public enum WebhookMetricHelp {
    public static let texts: [String: String] = [
        "haetae_webhook_outbox_depth": "Webhook messages waiting in the outbox.",
        "haetae_webhook_outbox_oldest_age_seconds": "Age of the oldest webhook message waiting in the outbox.",
        "haetae_webhook_deliveries_total": "Webhook delivery outcomes by receiver: delivered, retry, dead, gone.",
        "haetae_webhook_delivery_latency_seconds": "Time from a webhook message being queued to its delivery, by receiver.",
        "haetae_webhook_attempt_duration_seconds": "Duration of one webhook delivery attempt, by receiver.",
    ]
}
