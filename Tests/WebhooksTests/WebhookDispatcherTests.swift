import Foundation
import MetricsTestKit
import TestSupport
import Testing
@testable import Webhooks

/// Each outcome of DESIGN §3.3 against a real receiver process that checks signatures with the
/// reference `standardwebhooks` library.
@Suite("Webhook delivery outcomes", .serialized, .timeLimit(.minutes(1)))
struct WebhookDispatcherTests {
    @Test("a delivered webhook is signed so the reference library verifies it")
    func delivered() async throws {
        try await ReceiverProcess.with { receiver in
            let harness = try DispatcherHarness(receivers: [try DispatcherHarness.receiver("oncall", url: receiver.url)])
            try await harness.running {
                try await harness.dispatcher.enqueue(receiver: "oncall", id: "msg_delivered", body: DispatcherHarness.body())
                #expect(await harness.waitFor(.delivered, "oncall", "msg_delivered"), "\(receiver.output())")
            }
            let requests = receiver.requests()
            try #require(requests.count == 1)
            let request = requests[0]
            #expect(request.verified, "\(request.error ?? "")")
            #expect(request.id == "msg_delivered")
            #expect(request.content_type == "application/json")
            #expect(request.user_agent == "haetae-edge/test")
            #expect(request.body == String(decoding: DispatcherHarness.body(), as: UTF8.self))
            #expect(abs(Double(request.timestamp ?? "0")! - Date().timeIntervalSince1970) < 30)
            #expect(harness.deliveries("oncall", "delivered") == 1)
            #expect(try harness.metrics.expectTimer("haetae_webhook_delivery_latency_seconds", [("receiver", "oncall")]).values.count == 1)
            #expect(await eventually { (try? harness.metrics.expectGauge("haetae_webhook_outbox_depth").lastValue) == 0 })
        }
    }

    @Test("500 then 200: delivered once, with the same webhook-id on both attempts")
    func retriedThenDelivered() async throws {
        try await ReceiverProcess.with(responses: ["500"]) { receiver in
            let harness = try DispatcherHarness(receivers: [try DispatcherHarness.receiver("oncall", url: receiver.url)])
            try await harness.running {
                try await harness.dispatcher.enqueue(receiver: "oncall", id: "msg_retry", body: DispatcherHarness.body())
                #expect(await harness.waitFor(.delivered, "oncall", "msg_retry"))
            }
            let requests = receiver.requests()
            #expect(requests.map(\.id) == ["msg_retry", "msg_retry"])
            #expect(requests.allSatisfy { $0.verified })
            #expect(requests.map(\.response) == ["500", "200"])
            #expect(try harness.stored("oncall", "msg_retry")?.attempts == 2)
            #expect(harness.deliveries("oncall", "retry") == 1)
            #expect(harness.deliveries("oncall", "delivered") == 1)
        }
    }

    @Test("410: the receiver is disabled but keeps its messages, which all go once its configuration changes")
    func gone() async throws {
        try await ReceiverProcess.with(responses: ["410"]) { receiver in
            let config = try DispatcherHarness.receiver("mes", url: receiver.url, maxConcurrentDeliveries: 1)
            let harness = try DispatcherHarness(receivers: [config])
            for index in 1...3 {
                try await harness.dispatcher.enqueue(receiver: "mes", id: "msg_\(index)", body: DispatcherHarness.body(index))
            }
            try await harness.running {
                #expect(await eventually { await harness.dispatcher.goneReceivers == ["mes"] })
                // Nothing more is sent while it is disabled, and nothing is given up …
                try await harness.dispatcher.enqueue(receiver: "mes", id: "msg_4", body: DispatcherHarness.body(4))
                try await Task.sleep(for: .milliseconds(500))
                #expect(receiver.requests().count == 1)
                for index in 1...4 { #expect(try harness.stored("mes", "msg_\(index)")?.state == .pending) }

                // … and everything goes once its configuration changes.
                var moved = config
                moved.url = receiver.url + "/v2"
                await harness.dispatcher.configure(receivers: [moved])
                try await harness.dispatcher.enqueue(receiver: "mes", id: "msg_5", body: DispatcherHarness.body(5))
                for index in 1...5 { #expect(await harness.waitFor(.delivered, "mes", "msg_\(index)")) }
            }
            // msg_1 twice (the 410, then delivered), the others once; order is the outbox's.
            #expect(receiver.requests().first?.id == "msg_1")
            #expect(receiver.requests().compactMap(\.id).sorted() == ["msg_1", "msg_1", "msg_2", "msg_3", "msg_4", "msg_5"])
            #expect(harness.deliveries("mes", "gone") == 1)
            #expect(harness.deliveries("mes", "delivered") == 5)
        }
    }

    @Test("400: a dead letter at once, not retried")
    func deadLetter() async throws {
        try await ReceiverProcess.with(responses: ["400"]) { receiver in
            let harness = try DispatcherHarness(receivers: [try DispatcherHarness.receiver("oncall", url: receiver.url)])
            try await harness.running {
                try await harness.dispatcher.enqueue(receiver: "oncall", id: "msg_bad", body: DispatcherHarness.body())
                #expect(await harness.waitFor(.dead, "oncall", "msg_bad"))
                try await Task.sleep(for: .milliseconds(300))  // time enough for a wrong retry
            }
            let stored = try #require(try harness.stored("oncall", "msg_bad"))
            #expect(stored.lastError == "HTTP 400" && stored.lastStatus == 400 && stored.attempts == 1)
            #expect(receiver.requests().count == 1)
            #expect(try WebhookOutbox(path: harness.path).deadLetters().map(\.id) == ["msg_bad"])
            #expect(harness.deliveries("oncall", "dead") == 1)
        }
    }

    @Test("429 is retried, no sooner than its Retry-After")
    func tooManyRequests() async throws {
        try await ReceiverProcess.with(responses: ["429@1", "429"]) { receiver in
            let harness = try DispatcherHarness(receivers: [try DispatcherHarness.receiver("oncall", url: receiver.url)])
            try await harness.running {
                try await harness.dispatcher.enqueue(receiver: "oncall", id: "msg_429", body: DispatcherHarness.body())
                #expect(await harness.waitFor(.delivered, "oncall", "msg_429"))
            }
            let requests = receiver.requests()
            #expect(requests.map(\.response) == ["429@1", "429", "200"])
            #expect(requests[1].at - requests[0].at >= 0.95)
            #expect(harness.deliveries("oncall", "retry") == 2)
        }
    }

    @Test("a Retry-After too large for any clock neither crashes the dispatcher nor stops it: capped, retried, delivered")
    func hugeRetryAfter() async throws {
        try await ReceiverProcess.with(responses: ["429@9999999999999999", "503@99999999999999999999999"]) { receiver in
            let harness = try DispatcherHarness(receivers: [try DispatcherHarness.receiver("oncall", url: receiver.url)])
            try await harness.running {
                try await harness.dispatcher.enqueue(receiver: "oncall", id: "msg_huge", body: DispatcherHarness.body())
                #expect(await harness.waitFor(.delivered, "oncall", "msg_huge"))
            }
            let requests = receiver.requests()
            #expect(requests.map(\.response) == ["429@9999999999999999", "503@99999999999999999999999", "200"])
            // Honoured up to the policy's maximum backoff (2 s here), not beyond.
            #expect(requests[1].at - requests[0].at >= 1.9 && requests[1].at - requests[0].at < 10)
        }
    }

    @Test("a receiver that does not answer within the timeout is retried")
    func timeout() async throws {
        try await ReceiverProcess.with(responses: ["sleep:3"]) { receiver in
            let harness = try DispatcherHarness(
                receivers: [try DispatcherHarness.receiver("oncall", url: receiver.url, timeout: .milliseconds(500))])
            try await harness.running {
                try await harness.dispatcher.enqueue(receiver: "oncall", id: "msg_slow", body: DispatcherHarness.body())
                #expect(await harness.waitFor(.delivered, "oncall", "msg_slow"))
            }
            // Timed between the receiver's own arrivals (a busy machine's start-up does not count):
            // the retry came while the first request was still sleeping its 3 s.
            let requests = receiver.requests()
            #expect(requests.map(\.id) == ["msg_slow", "msg_slow"])
            if requests.count == 2 { #expect(requests[1].at - requests[0].at < 2.5, "retried without waiting out the receiver's sleep") }
            #expect(harness.deliveries("oncall", "retry") == 1)
        }
    }

    @Test("a message past its receiver's max age dies as expired (connection refused meanwhile)")
    func expired() async throws {
        let closedPort = FreePort.allocate()  // nothing listens: every attempt is refused
        let harness = try DispatcherHarness(
            receivers: [try DispatcherHarness.receiver("oncall", url: "http://127.0.0.1:\(closedPort)/hooks", maxAge: .seconds(1))])
        try await harness.running {
            try await harness.dispatcher.enqueue(receiver: "oncall", id: "msg_old", body: DispatcherHarness.body())
            #expect(await harness.waitFor(.dead, "oncall", "msg_old", timeout: .seconds(5)))
        }
        let stored = try #require(try harness.stored("oncall", "msg_old"))
        #expect(stored.lastError == "expired")
        #expect(stored.attempts >= 2)
        #expect(harness.deliveries("oncall", "retry") >= 1)
        #expect(harness.deliveries("oncall", "dead") == 1)
    }

    @Test("a receiver URL that cannot be used makes a dead letter, not endless retries")
    func invalidURL() async throws {
        let harness = try DispatcherHarness(receivers: [try DispatcherHarness.receiver("oncall", url: "ftp://127.0.0.1/hooks")])
        try await harness.running {
            try await harness.dispatcher.enqueue(receiver: "oncall", id: "msg_ftp", body: DispatcherHarness.body())
            #expect(await harness.waitFor(.dead, "oncall", "msg_ftp"))
        }
        #expect(try harness.stored("oncall", "msg_ftp")?.lastError == "invalid receiver URL")
    }
}
