import Foundation
import TestSupport
import Testing
@testable import Webhooks

/// Several deliveries in flight, restarts and wake-ups, against real receiver processes.
@Suite("Webhook dispatcher concurrency and durability", .serialized, .timeLimit(.minutes(1)))
struct WebhookDispatcherConcurrencyTests {
    @Test("a slow receiver fills only its own slots; another still delivers promptly; stop does not wait for it")
    func slowReceiverDoesNotBlockOthers() async throws {
        try await ReceiverProcess.with(then: "sleep:5") { slow in
            try await ReceiverProcess.with { fast in
                let harness = try DispatcherHarness(receivers: [
                    try DispatcherHarness.receiver("slow", url: slow.url, timeout: .seconds(10), maxConcurrentDeliveries: 2),
                    try DispatcherHarness.receiver("fast", url: fast.url),
                ])
                for index in 1...4 {
                    try await harness.dispatcher.enqueue(receiver: "slow", id: "msg_slow\(index)", body: DispatcherHarness.body(index))
                }
                for index in 1...3 {
                    try await harness.dispatcher.enqueue(receiver: "fast", id: "msg_fast\(index)", body: DispatcherHarness.body(index))
                }
                let clock = ContinuousClock()
                let task = Task { try await harness.dispatcher.run() }
                let started = clock.now
                let fastDone = await eventually(timeout: .seconds(3)) {
                    (1...3).allSatisfy { (try? harness.stored("fast", "msg_fast\($0)")?.state) == .delivered }
                }
                #expect(fastDone, "the fast receiver waited for the slow one")
                #expect(clock.now - started < .seconds(3))
                #expect(await eventually { slow.requests().count == 2 })
                #expect(slow.requests().count == 2, "at most 2 in flight for the slow receiver")

                let stopping = clock.now
                task.cancel()
                try await task.value
                // The slow receiver holds each request 5 s: returning well before that means it was not waited out.
                #expect(clock.now - stopping < .milliseconds(4_500), "run() returned without waiting out the slow receiver")

                // The abandoned attempts are due again, counted, and nothing was lost.
                let outbox = try WebhookOutbox(path: harness.path)
                #expect(try outbox.depth() == 4)
                let due = try outbox.due(receiver: "slow", nowMillis: WebhookDispatcher.nowMillis(), limit: 10)
                #expect(due.count == 4)
                #expect(due.map(\.attempts).sorted() == [0, 0, 1, 1])
            }
        }
    }

    @Test("messages are each delivered exactly once when many are in flight")
    func manyInFlight() async throws {
        try await ReceiverProcess.with { receiver in
            let harness = try DispatcherHarness(receivers: [try DispatcherHarness.receiver("oncall", url: receiver.url)])
            let ids = (1...40).map { "msg_many\($0)" }
            try await harness.running {
                for (index, id) in ids.enumerated() {
                    try await harness.dispatcher.enqueue(receiver: "oncall", id: id, body: DispatcherHarness.body(index))
                }
                // Generous: on a loaded machine (the parallel test phase) 40 deliveries to a Python
                // receiver can take longer than the default 10 s; what matters is exactly once.
                #expect(await eventually(timeout: .seconds(60)) { (try? WebhookOutbox(path: harness.path).count(state: .delivered)) == ids.count })
            }
            let requests = receiver.requests()
            #expect(requests.count == ids.count)
            #expect(Set(requests.compactMap(\.id)) == Set(ids))
            #expect(requests.allSatisfy { $0.verified })
        }
    }

    @Test("messages left in the outbox by an earlier run are delivered after a restart")
    func deliveredAfterRestart() async throws {
        try await ReceiverProcess.with { receiver in
            let directory = try TemporaryDirectory(prefix: "haetae-restart")
            let path = directory.file("webhooks.db")
            let config = try DispatcherHarness.receiver("oncall", url: receiver.url)
            do {
                // The first process enqueued, then died before running its dispatcher.
                let before = try DispatcherHarness(receivers: [config], path: path)
                try await before.dispatcher.enqueue(receiver: "oncall", id: "msg_kept", body: DispatcherHarness.body())
            }
            let after = try DispatcherHarness(receivers: [config], path: path)
            try await after.running {
                #expect(await after.waitFor(.delivered, "oncall", "msg_kept"))
            }
            #expect(receiver.requests().map(\.id) == ["msg_kept"])
        }
    }

    @Test("a message claimed by a process that died mid-attempt is sent again once its lease runs out")
    func leaseRunsOut() async throws {
        try await ReceiverProcess.with { receiver in
            let harness = try DispatcherHarness(receivers: [try DispatcherHarness.receiver("oncall", url: receiver.url)])
            let crashed = try WebhookOutbox(path: harness.path)
            let now = WebhookDispatcher.nowMillis()
            try crashed.enqueue(receiver: "oncall", id: "msg_leased", body: DispatcherHarness.body(), createdAtMillis: now)
            try crashed.claim(receiver: "oncall", ids: ["msg_leased"], leaseUntilMillis: now + 400)
            try await harness.running {
                #expect(await harness.waitFor(.delivered, "oncall", "msg_leased"))
            }
            let request = try #require(receiver.requests().first)
            #expect(request.at * 1_000 >= Double(now + 400))
            #expect(try harness.stored("oncall", "msg_leased")?.attempts == 2)
        }
    }

    @Test("notify() wakes the dispatcher for rows another connection enqueued")
    func notifyWakes() async throws {
        try await ReceiverProcess.with { receiver in
            var configuration = DispatcherHarness.fastRetries
            configuration.idlePoll = .seconds(30)
            let harness = try DispatcherHarness(
                receivers: [try DispatcherHarness.receiver("oncall", url: receiver.url)], configuration: configuration)
            try await harness.running {
                try await Task.sleep(for: .milliseconds(200))  // the loop is asleep now
                let writer = try WebhookOutbox(path: harness.path)
                try writer.enqueue(receiver: "oncall", id: "msg_other", body: DispatcherHarness.body(), createdAtMillis: WebhookDispatcher.nowMillis())
                harness.dispatcher.notify()
                #expect(await harness.waitFor(.delivered, "oncall", "msg_other", timeout: .seconds(3)))
            }
        }
    }
}
