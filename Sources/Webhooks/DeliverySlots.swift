/// Which messages have an attempt in flight, per receiver, and which receivers may take an
/// express attempt. Shared, under one lock, by the dispatcher's loop (on its actor) and
/// ``WebhookDispatcher/express(receivers:id:body:createdAtMillis:)`` (from any task), so a
/// message is never attempted twice at once whichever of them starts it.
struct DeliverySlots: Sendable {
    /// A receiver that may be sent to now, with its signer (nil: it takes unsigned requests).
    struct Eligible: Sendable {
        var receiver: WebhookReceiver
        var signer: WebhookSigner?
    }

    /// Configured receivers not disabled by a 410.
    var eligible: [String: Eligible] = [:]
    /// Message ids with an attempt in flight (or an express attempt about to start), per receiver.
    private(set) var inFlight: [String: Set<String>] = [:]
    /// Where express attempts go while the dispatcher runs; nil otherwise (then the message waits
    /// in the outbox).
    var expressSink: AsyncStream<WebhookDispatcher.Job>.Continuation?

    func busy(_ receiver: String) -> Set<String> {
        inFlight[receiver, default: []]
    }

    /// Takes up to `limit` of `candidates` (in order) that are not in flight, and marks them in flight.
    mutating func claim(_ receiver: String, from candidates: [String], limit: Int) -> Set<String> {
        var taken: Set<String> = []
        for id in candidates where taken.count < limit && !inFlight[receiver, default: []].contains(id) {
            taken.insert(id)
        }
        inFlight[receiver, default: []].formUnion(taken)
        return taken
    }

    mutating func finish(_ receiver: String, id: String) {
        inFlight[receiver]?.remove(id)
    }

    /// After the dispatcher stopped: no attempt is in flight any more.
    mutating func reset() {
        inFlight = [:]
        expressSink = nil
    }

    /// An express attempt of `id` to `receiver`, marked in flight; nil when the dispatcher is not
    /// running, the receiver is not eligible, it has no free slot (for a low-priority message: none
    /// but its last), or `id` is in flight already.
    mutating func admitExpress(
        _ receiver: String, id: String, body: [UInt8], createdAtMillis: Int64, priority: WebhookPriority = .normal
    ) -> WebhookDispatcher.Job? {
        guard expressSink != nil, let eligible = eligible[receiver] else { return nil }
        let busy = inFlight[receiver, default: []]
        guard busy.count < priority.slotLimit(of: eligible.receiver.maxConcurrentDeliveries), !busy.contains(id) else { return nil }
        inFlight[receiver, default: []].insert(id)
        return WebhookDispatcher.Job(
            receiver: eligible.receiver, signer: eligible.signer, id: id, body: body, createdAtMillis: createdAtMillis,
            attempt: 1, priority: priority, express: true)
    }
}
