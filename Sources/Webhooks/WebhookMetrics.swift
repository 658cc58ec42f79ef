import CoreMetrics

/// The dispatcher's metrics, created through the facade with an explicit factory and cached per
/// receiver (not created per delivery).
struct WebhookMetrics {
    /// Outcomes counted in `haetae_webhook_deliveries_total{receiver,outcome}`.
    enum Outcome: String, CaseIterable {
        case delivered, retry, dead, gone
    }

    let factory: any MetricsFactory
    let depth: Gauge
    let oldestAge: Gauge
    private var deliveries: [String: [Outcome: Counter]] = [:]
    private var latencies: [String: Timer] = [:]
    private var attemptDurations: [String: Timer] = [:]

    init(factory: any MetricsFactory) {
        self.factory = factory
        depth = Gauge(label: "haetae_webhook_outbox_depth", factory: factory)
        oldestAge = Gauge(label: "haetae_webhook_outbox_oldest_age_seconds", factory: factory)
    }

    mutating func count(_ outcome: Outcome, receiver: String, by amount: Int = 1) {
        guard amount > 0 else { return }
        if deliveries[receiver] == nil {
            deliveries[receiver] = Dictionary(uniqueKeysWithValues: Outcome.allCases.map {
                ($0, Counter(label: "haetae_webhook_deliveries_total", dimensions: [("receiver", receiver), ("outcome", $0.rawValue)], factory: factory))
            })
        }
        deliveries[receiver]?[outcome]?.increment(by: amount)
    }

    /// Creation to delivery: how late a consumer learns of an alert.
    mutating func recordLatency(receiver: String, milliseconds: Int64) {
        timer(&latencies, "haetae_webhook_delivery_latency_seconds", receiver).recordMilliseconds(max(milliseconds, 0))
    }

    /// One HTTP attempt, whatever its outcome.
    mutating func recordAttempt(receiver: String, duration: Duration) {
        timer(&attemptDurations, "haetae_webhook_attempt_duration_seconds", receiver).record(duration: duration)
    }

    private func timer(_ cache: inout [String: Timer], _ label: String, _ receiver: String) -> Timer {
        if let timer = cache[receiver] { return timer }
        let timer = Timer(label: label, dimensions: [("receiver", receiver)], factory: factory)
        cache[receiver] = timer
        return timer
    }
}

extension Timer {
    fileprivate func record(duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
