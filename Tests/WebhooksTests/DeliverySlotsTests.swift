import Testing
@testable import Webhooks

/// The in-flight bookkeeping the dispatcher's loop and express attempts share.
@Suite("Delivery slots")
struct DeliverySlotsTests {
    static func slots(maxConcurrent: Int = 2, running: Bool = true) throws -> DeliverySlots {
        var slots = DeliverySlots()
        let receiver = WebhookReceiver(
            name: "oncall", url: "http://127.0.0.1:9/hooks", secret: try WebhookSecret(parsing: DispatcherHarness.secret),
            timeout: .seconds(1), maxAge: .seconds(60), maxConcurrentDeliveries: maxConcurrent)
        slots.eligible["oncall"] = .init(receiver: receiver, signer: receiver.secret.map { WebhookSigner(secret: $0) })
        if running { slots.expressSink = AsyncStream.makeStream(of: WebhookDispatcher.Job.self).continuation }
        return slots
    }

    @Test("a message an express attempt holds is not claimed by the loop, and the loop's claims respect the free slots")
    func expressAndLoopNeverShareAMessage() throws {
        var slots = try Self.slots(maxConcurrent: 3)
        let admitted = slots.admitExpress("oncall", id: "a", body: [1], createdAtMillis: 5)
        let job = try #require(admitted)
        #expect(job.express && job.attempt == 1 && job.id == "a")
        #expect(slots.claim("oncall", from: ["a", "b", "c", "d"], limit: 2) == ["b", "c"])
        #expect(slots.busy("oncall") == ["a", "b", "c"])
        // No slot is left, and "b" is in flight anyway.
        #expect(slots.admitExpress("oncall", id: "e", body: [], createdAtMillis: 5) == nil)
        slots.finish("oncall", id: "b")
        #expect(slots.admitExpress("oncall", id: "a", body: [], createdAtMillis: 5) == nil)
        #expect(slots.admitExpress("oncall", id: "e", body: [], createdAtMillis: 5) != nil)
    }

    @Test("no express attempt while the dispatcher is stopped or for a receiver that is not eligible")
    func expressNeedsARunningDispatcherAndAnEligibleReceiver() throws {
        var stopped = try Self.slots(running: false)
        #expect(stopped.admitExpress("oncall", id: "a", body: [], createdAtMillis: 1) == nil)
        var running = try Self.slots()
        #expect(running.admitExpress("gone-or-unknown", id: "a", body: [], createdAtMillis: 1) == nil)
        #expect(running.busy("gone-or-unknown").isEmpty)
        _ = running.admitExpress("oncall", id: "a", body: [], createdAtMillis: 1)
        running.reset()
        #expect(running.busy("oncall").isEmpty && running.expressSink == nil)
    }

    @Test("low-priority express attempts leave a receiver's last free slot to a normal one; with one slot it is theirs too")
    func lowPriorityLeavesTheLastSlot() throws {
        var slots = try Self.slots(maxConcurrent: 3)
        #expect(slots.admitExpress("oncall", id: "junk1", body: [], createdAtMillis: 1, priority: .low)?.priority == .low)
        #expect(slots.admitExpress("oncall", id: "junk2", body: [], createdAtMillis: 1, priority: .low) != nil)
        #expect(slots.admitExpress("oncall", id: "junk3", body: [], createdAtMillis: 1, priority: .low) == nil, "the last slot")
        #expect(slots.admitExpress("oncall", id: "hazard", body: [], createdAtMillis: 1)?.priority == .normal)
        var single = try Self.slots(maxConcurrent: 1)
        #expect(single.admitExpress("oncall", id: "junk1", body: [], createdAtMillis: 1, priority: .low) != nil)
    }
}
