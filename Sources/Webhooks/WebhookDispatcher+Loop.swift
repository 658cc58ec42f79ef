import Logging

/// The loop's bookkeeping: claiming due messages, recording outcomes, gauges, purging.
extension WebhookDispatcher {
    /// One claimed attempt, handed to a child task.
    struct Job: Sendable {
        var receiver: WebhookReceiver
        var signer: WebhookSigner?
        var id: String
        var body: [UInt8]
        var createdAtMillis: Int64
        /// This attempt's number, from 1.
        var attempt: Int
        var priority: WebhookPriority = .normal
        /// Started by ``WebhookDispatcher/express(receivers:id:body:createdAtMillis:)``, perhaps
        /// before the outbox held it: its row is made (if needed) and claimed when the attempt ends.
        var express = false
    }

    /// Claims due messages of every enabled receiver, up to its free slots.
    func claimDue(nowMillis now: Int64) -> [Job] {
        var jobs: [Job] = []
        for name in receivers.keys.sorted() {
            guard let receiver = receivers[name] else { continue }
            let signer = signers[name]
            do {
                if gone.contains(name) {
                    // Disabled by a 410: its messages wait (until its configuration changes or
                    // the edge restarts), except those past the receiver's max age.
                    for message in try outbox.due(receiver: name, nowMillis: now, limit: 256)
                    where now - message.createdAtMillis >= receiver.maxAge.milliseconds {
                        try expire(receiver: name, id: message.id, status: 410, lastFailure: "receiver answered 410 Gone", nowMillis: now)
                    }
                    continue
                }
                let busy = slots.withLock { $0.busy(name) }
                let free = receiver.maxConcurrentDeliveries - busy.count
                guard free > 0 else { continue }
                // Normal messages come first in `due`; a low one may not take the last free slot.
                var candidates: [WebhookOutboxMessage] = []
                for message in try outbox.due(receiver: name, nowMillis: now, limit: free + busy.count)
                where !busy.contains(message.id) && candidates.count < free {
                    if now - message.createdAtMillis >= receiver.maxAge.milliseconds {
                        try expire(receiver: name, id: message.id, status: nil, lastFailure: message.lastError, nowMillis: now)
                        continue
                    }
                    guard busy.count + candidates.count < message.priority.slotLimit(of: receiver.maxConcurrentDeliveries) else { break }
                    candidates.append(message)
                }
                // An express attempt may have taken one of them since `busy` was read.
                let taken = slots.withLock { $0.claim(name, from: candidates.map(\.id), limit: free) }
                let claimed = candidates.filter { taken.contains($0.id) }.map { message in
                    Job(receiver: receiver, signer: signer, id: message.id, body: message.body,
                        createdAtMillis: message.createdAtMillis, attempt: message.attempts + 1, priority: message.priority)
                }
                let lease = now + receiver.timeout.milliseconds + configuration.leaseGrace.milliseconds
                try outbox.claim(receiver: name, ids: claimed.map(\.id), leaseUntilMillis: lease)
                jobs += claimed
            } catch {
                logger.error("webhook outbox query failed", metadata: ["receiver": "\(name)", "error": "\(error)"])
            }
        }
        return jobs
    }

    /// Records what an attempt came to.
    func complete(_ job: Job, _ result: AttemptResult, duration: Duration) {
        let name = job.receiver.name
        slots.withLock { $0.finish(name, id: job.id) }
        notify()  // a slot is free
        var logger = self.logger
        logger[metadataKey: "receiver"] = "\(name)"
        logger[metadataKey: "webhook-id"] = "\(job.id)"
        logger[metadataKey: "attempt"] = "\(job.attempt)"
        let now = Self.nowMillis()
        do {
            if job.express {
                // The row may not be there yet (the caller records it after its own fsync):
                // make it, count this attempt, then record the outcome as for any attempt.
                try outbox.enqueue(
                    receiver: name, id: job.id, body: job.body, createdAtMillis: job.createdAtMillis, priority: job.priority)
                try outbox.claim(receiver: name, ids: [job.id], leaseUntilMillis: now)
            }
            switch result {
            case .cancelled:
                try outbox.release(receiver: name, id: job.id, nowMillis: now)
                return
            case .response(let status, let retryAfter):
                metrics.recordAttempt(receiver: name, duration: duration)
                switch DeliveryVerdict.classify(status: status, retryAfter: retryAfter) {
                case .delivered:
                    if try outbox.markDelivered(receiver: name, id: job.id, status: status, nowMillis: now) {
                        metrics.count(.delivered, receiver: name)
                        metrics.recordLatency(receiver: name, milliseconds: now - job.createdAtMillis)
                        logger.debug("webhook delivered", metadata: ["status": "\(status)"])
                    }
                case .gone:
                    try receiverGone(job, nowMillis: now, logger: logger)
                case .dead(let reason):
                    if try outbox.markDead(receiver: name, id: job.id, reason: reason, status: status, nowMillis: now) {
                        metrics.count(.dead, receiver: name)
                        logger.warning("webhook rejected by its receiver; kept as a dead letter", metadata: ["status": "\(status)"])
                    }
                case .retry(let retryAfter):
                    try retryOrExpire(job, status: status, failure: "HTTP \(status)", retryAfter: retryAfter, nowMillis: now, logger: logger)
                }
            case .failed(let reason, let permanent):
                metrics.recordAttempt(receiver: name, duration: duration)
                if permanent {
                    if try outbox.markDead(receiver: name, id: job.id, reason: reason, status: nil, nowMillis: now) {
                        metrics.count(.dead, receiver: name)
                        logger.error("webhook cannot be sent; kept as a dead letter", metadata: ["error": "\(reason)"])
                    }
                } else {
                    try retryOrExpire(job, status: nil, failure: reason, retryAfter: nil, nowMillis: now, logger: logger)
                }
            }
        } catch {
            // The lease runs out and the message is tried again: at-least-once holds.
            logger.error("webhook outbox update failed; the message will be retried", metadata: ["error": "\(error)"])
        }
    }

    private func retryOrExpire(
        _ job: Job, status: Int?, failure: String, retryAfter: Duration?, nowMillis now: Int64, logger: Logger
    ) throws {
        let decision = configuration.retryPolicy.decide(
            failedAttempts: job.attempt, createdAtMillis: job.createdAtMillis, nowMillis: now,
            maxAge: job.receiver.maxAge, retryAfter: retryAfter, using: &random)
        switch decision {
        case .retry(let atMillis):
            if try outbox.markRetry(receiver: job.receiver.name, id: job.id, nextAttemptAtMillis: atMillis, status: status, error: failure) {
                metrics.count(.retry, receiver: job.receiver.name)
                logger.info("webhook attempt failed; will retry", metadata: ["error": "\(failure)", "retry_in_ms": "\(atMillis - now)"])
            }
        case .expire:
            try expire(receiver: job.receiver.name, id: job.id, status: status, lastFailure: failure, nowMillis: now)
        }
    }

    private func expire(receiver: String, id: String, status: Int?, lastFailure: String?, nowMillis: Int64) throws {
        guard try outbox.markDead(receiver: receiver, id: id, reason: "expired", status: status, nowMillis: nowMillis) else { return }
        metrics.count(.dead, receiver: receiver)
        logger.warning(
            "webhook expired before it could be delivered; kept as a dead letter",
            metadata: ["receiver": "\(receiver)", "webhook-id": "\(id)", "last_error": "\(lastFailure ?? "none")"])
    }

    /// A 410: the receiver is disabled until its configuration changes (or a restart), and its
    /// messages, this one included, are kept for then: a receiver that was moved or retired by
    /// mistake loses no alert notification.
    private func receiverGone(_ job: Job, nowMillis: Int64, logger: Logger) throws {
        let receiver = job.receiver
        try outbox.release(receiver: receiver.name, id: job.id, nowMillis: nowMillis)
        metrics.count(.gone, receiver: receiver.name)
        // A 410 from an endpoint that has since been reconfigured says nothing about the new one.
        guard let current = receivers[receiver.name], current.sameEndpoint(as: receiver) else { return }
        if gone.insert(receiver.name).inserted {
            publishEligible()
            logger.warning(
                "webhook receiver answered 410 Gone; disabled until restart or a configuration change, its messages kept",
                metadata: ["pending_all_receivers": "\((try? outbox.depth()) ?? -1)"])
        }
    }

    /// How long to sleep: until the earliest next attempt of a receiver with a free slot, at most
    /// `idlePoll`. Busy receivers are woken by their completions instead. The 5 ms floor keeps a
    /// message that is due yet in flight from spinning the loop.
    func nextWakeDelayMillis(nowMillis now: Int64) -> Int64 {
        var earliest: Int64?
        for (name, receiver) in receivers
        where !gone.contains(name) && slots.withLock({ $0.busy(name).count }) < receiver.maxConcurrentDeliveries {
            if let next = try? outbox.nextAttemptMillis(receiver: name) {
                earliest = min(earliest ?? next, next)
            }
        }
        let idle = configuration.idlePoll.milliseconds
        return min(max((earliest ?? now + idle) - now, 5), idle)
    }

    func refreshGauges(nowMillis now: Int64) {
        do {
            metrics.depth.record(try outbox.depth())
            metrics.oldestAge.record(Double(try outbox.oldestPendingAgeMillis(nowMillis: now) ?? 0) / 1_000)
        } catch {
            logger.warning("webhook outbox gauges not updated", metadata: ["error": "\(error)"])
        }
    }

    func purgeIfDue(nowMillis now: Int64) {
        guard now - lastPurgeMillis >= configuration.purgeInterval.milliseconds else { return }
        lastPurgeMillis = now
        do {
            let deleted = try outbox.purge(
                nowMillis: now, retentionMillis: configuration.retention.milliseconds, keepFinished: configuration.keepFinished)
            if deleted > 0 { logger.debug("webhook history purged", metadata: ["rows": "\(deleted)"]) }
        } catch {
            logger.warning("webhook history purge failed", metadata: ["error": "\(error)"])
        }
    }
}
