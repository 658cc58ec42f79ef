import Clocks
import Foundation
import TestSupport
import Testing
@testable import Webhooks

/// Express attempts (`WebhookDispatcher.express`): the first POST of an alert starts before its
/// outbox row is written, and its outcome still lands in the outbox.
@Suite("Webhook express attempts", .serialized, .timeLimit(.minutes(1)))
struct WebhookExpressTests {
    @Test("an express attempt is delivered before the message is in the outbox, and the outbox then records it delivered once")
    func deliveredBeforeEnqueue() async throws {
        try await ReceiverProcess.with { receiver in
            let harness = try DispatcherHarness(receivers: [try DispatcherHarness.receiver("oncall", url: receiver.url)])
            try await harness.running {
                #expect(await harness.expressReady())
                harness.dispatcher.express(
                    receivers: ["oncall"], id: "msg_express", body: DispatcherHarness.body(), createdAtMillis: WallClock.millis())
                #expect(await eventually { receiver.requests().count == 1 }, "\(receiver.output())")
                // The caller's durable enqueue comes after the POST: it neither resends nor undoes it.
                try await harness.dispatcher.enqueue(receiver: "oncall", id: "msg_express", body: DispatcherHarness.body())
                #expect(await harness.waitFor(.delivered, "oncall", "msg_express"))
                try await Task.sleep(for: .milliseconds(300))
            }
            let requests = receiver.requests()
            #expect(requests.map(\.id) == ["msg_express"])
            #expect(requests.allSatisfy { $0.verified })
            #expect(try harness.stored("oncall", "msg_express")?.attempts == 1)
            #expect(harness.deliveries("oncall", "delivered") == 1)
        }
    }

    @Test("an express attempt the receiver fails is retried from the outbox with the same webhook-id, counted as attempt 2")
    func failedExpressIsRetried() async throws {
        try await ReceiverProcess.with(responses: ["503"]) { receiver in
            let harness = try DispatcherHarness(
                receivers: [try DispatcherHarness.receiver("oncall", url: receiver.url)], configuration: DispatcherHarness.fastRetries)
            try await harness.running {
                #expect(await harness.expressReady())
                // The caller enqueues first here (its fsync was quick): the loop must not claim
                // the row while the express attempt holds it.
                try await harness.dispatcher.enqueue(receiver: "oncall", id: "msg_retry", body: DispatcherHarness.body())
                harness.dispatcher.express(
                    receivers: ["oncall"], id: "msg_retry", body: DispatcherHarness.body(), createdAtMillis: WallClock.millis())
                #expect(await harness.waitFor(.delivered, "oncall", "msg_retry"))
            }
            #expect(receiver.requests().map(\.response) == ["503", "200"])
            #expect(receiver.requests().map(\.id) == ["msg_retry", "msg_retry"])
            #expect(try harness.stored("oncall", "msg_retry")?.attempts == 2)
        }
    }

    @Test("express to a receiver that is not configured sends nothing; the message waits in the outbox")
    func unknownReceiverWaits() async throws {
        try await ReceiverProcess.with { receiver in
            let harness = try DispatcherHarness(receivers: [try DispatcherHarness.receiver("oncall", url: receiver.url)])
            try await harness.running {
                #expect(await harness.expressReady())
                harness.dispatcher.express(
                    receivers: ["nobody"], id: "msg_nobody", body: DispatcherHarness.body(), createdAtMillis: WallClock.millis())
                try await harness.dispatcher.enqueue(receiver: "nobody", id: "msg_nobody", body: DispatcherHarness.body())
                try await Task.sleep(for: .milliseconds(300))
            }
            #expect(receiver.requests().isEmpty)
            #expect(try harness.stored("nobody", "msg_nobody")?.state == .pending)
            #expect(try harness.stored("nobody", "msg_nobody")?.attempts == 0)
        }
    }

    @Test("a burst of low-priority messages to a slow receiver leaves it a slot: a normal message's express attempt starts at once, and queued normal messages go before the low ones")
    func lowPriorityBurstDoesNotHoldBackANormalMessage() async throws {
        // The first low message holds its slot 3 s (under the 5 s timeout), so the checks below do
        // not depend on how quickly a loaded machine runs this test; the others take 0.4 s.
        try await ReceiverProcess.with(responses: ["sleep:3"], then: "sleep:0.4") { receiver in
            let harness = try DispatcherHarness(
                receivers: [try DispatcherHarness.receiver("oncall", url: receiver.url, maxConcurrentDeliveries: 2)])
            try await harness.running {
                #expect(await harness.expressReady())
                for index in 1...6 {
                    let id = "msg_junk\(index)"
                    harness.dispatcher.express(
                        receivers: ["oncall"], id: id, body: DispatcherHarness.body(index), createdAtMillis: WallClock.millis(), priority: .low)
                    try await harness.dispatcher.enqueue(receiver: "oncall", id: id, body: DispatcherHarness.body(index), priority: .low)
                }
                #expect(await eventually { receiver.requests().count == 1 }, "\(receiver.output())")
                try await Task.sleep(for: .milliseconds(100))
                #expect(receiver.requests().count == 1, "a low-priority message took the last slot")
                harness.dispatcher.express(
                    receivers: ["oncall"], id: "msg_hazard", body: DispatcherHarness.body(), createdAtMillis: WallClock.millis())
                try await harness.dispatcher.enqueue(receiver: "oncall", id: "msg_hazard", body: DispatcherHarness.body())
                try await harness.dispatcher.enqueue(receiver: "oncall", id: "msg_hazard2", body: DispatcherHarness.body(2))
                #expect(await eventually { receiver.requests().count == 2 })
                #expect(await harness.waitFor(.delivered, "oncall", "msg_junk6", timeout: .seconds(15)))
            }
            let order = receiver.requests().map(\.id)
            #expect(order.count == 8)
            #expect(order.prefix(2) == ["msg_junk1", "msg_hazard"], "\(order)")
            // The second normal message waited only for a slot, not behind the five queued low ones.
            #expect(order.firstIndex(of: "msg_hazard2").map { $0 <= 3 } == true, "\(order)")
        }
    }
}

extension DispatcherHarness {
    /// Whether the dispatcher's loop has started (express attempts are taken only then).
    func expressReady() async -> Bool {
        await eventually { dispatcher.slots.withLock { $0.expressSink != nil } }
    }
}
