import Foundation
import TestSupport
import Testing

/// The edge's forwarder against the real `haetae-core` (SQLite store), through a core restart.
@Suite("Edge → haetae-core end to end (integration)", .serialized, .timeLimit(.minutes(3)))
struct EdgeToCoreEndToEndTests {
    @Test("every reading and the alert reach the real core exactly once, across a core restart")
    func everythingReachesTheRealCore() async throws {
        let broker = try await MosquittoBroker()
        let core = try RealCore()
        try await core.start()
        let edge = try ForwardTest.edge(broker: broker, urls: [core.url], token: core.token, rules: ForwardingThroughputIntegrationTests.rules)
        try await edge.start()
        let total = 20_000
        let publishing = Task { try await Publisher.publishBulk(port: broker.port, count: total, qos: 1, topics: ForwardTest.topics) }
        #expect(await eventually(timeout: .seconds(30)) { core.storedReadings() >= 2_000 })
        #expect(await core.stop() == 0, "\(core.output())")
        try await AlertTest.publish(broker, device: "furnace-01", value: 900)  // the alert waits for the core too
        try await Task.sleep(for: .seconds(2))
        try await core.start()
        try await publishing.value

        #expect(await eventually(timeout: .seconds(60)) { core.storedReadings() >= total + 1 }, "stored \(core.storedReadings())")
        #expect(await ForwardTest.drained(edge))
        try await Task.sleep(for: .milliseconds(500))
        #expect(core.storedReadings() == total + 1, "every reading once: \(total) published plus the hazard")
        // The alert lane retries on its own backoff, which the outage grew: it may come after
        // the readings have drained.
        #expect(await eventually(timeout: .seconds(30)) {
            HTTPGet.fetch(port: core.port, path: "/api/v1/alerts")?.body.contains("furnace-overheat") == true
        }, "\(HTTPGet.fetch(port: core.port, path: "/api/v1/alerts")?.body ?? "")")
        #expect(edge.metric("haetae_forward_alerts_sent_total") == 1)
        #expect((edge.metric("haetae_forward_batches_failed_total", labels: #"reason="unreachable""#) ?? 0) >= 1)
        #expect(await edge.stop() == 0)
        #expect(await core.stop() == 0)
    }

    @Test("a core restored from a backup taken before the edge's series existed answers 409; the edge names its series again and every later reading is stored under its series")
    func coreRestoredFromBackup() async throws {
        let broker = try await MosquittoBroker()
        let core = try RealCore()
        // The backup: the core's database before any edge sent anything.
        try await core.start()
        #expect(await core.stop() == 0)
        let database = core.directory.file("core.db")
        let files = [database, database + "-wal", database + "-shm"].filter { FileManager.default.fileExists(atPath: $0) }
        for file in files { try FileManager.default.copyItem(atPath: file, toPath: file + ".backup") }
        try await core.start()
        let edge = try ForwardTest.edge(broker: broker, urls: [core.url], token: core.token)
        try await edge.start()
        try await Publisher.publishBulk(port: broker.port, count: 4_000, qos: 1, topics: ForwardTest.topics)
        #expect(await eventually(timeout: .seconds(30)) { core.storedReadings() >= 4_000 })
        #expect(await ForwardTest.drained(edge))

        #expect(await core.stop() == 0)
        for file in [database, database + "-wal", database + "-shm"] { try? FileManager.default.removeItem(atPath: file) }
        for file in files { try FileManager.default.copyItem(atPath: file + ".backup", toPath: file) }
        try await core.start()
        #expect(core.storedReadings() == 0, "the restored core holds nothing")
        try await Publisher.publishBulk(port: broker.port, count: 4_000, qos: 1, topics: ForwardTest.topics, firstSeq: 4_000)
        #expect(await eventually(timeout: .seconds(30)) { core.storedReadings() >= 4_000 }, "stored \(core.storedReadings())")
        #expect(await ForwardTest.drained(edge))
        // Every reading of the second half once, each under the series of the topic it was
        // published on (seq k went to topic k % 4, press-0(k % 4 + 1)).
        let seqs = core.storedSeqs()
        #expect(seqs.sorted() == Array(4_000..<8_000))
        for (index, topic) in ForwardTest.topics.enumerated() {
            let device = topic.split(separator: "/")[3]
            let body = HTTPGet.fetch(port: core.port, path: "/api/v1/series?device=\(device)")?.body ?? ""
            let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            let series = try #require((object?["series"] as? [[String: Any]])?.first)
            let delivery = HTTPGet.fetch(port: core.port, path: "/api/v1/delivery?series=\(series["id"] as? Int ?? -1)&from=0&to=9999999999999")?.body ?? ""
            let stored = (try JSONSerialization.jsonObject(with: Data(delivery.utf8)) as? [String: Any])?["seq"] as? [Int] ?? []
            #expect(stored.count == 1_000 && stored.allSatisfy { $0 % 4 == index }, "\(device): \(stored.prefix(10))")
        }
        #expect((edge.metric("haetae_forward_batches_failed_total", labels: #"reason="unknown_series""#) ?? 0) >= 1)
        #expect(await edge.stop() == 0)
        #expect(await core.stop() == 0)
    }

    @Test("an edge killed with batches in flight to a frozen real core sends them again; the core stores each reading once")
    func killedWithBatchesInFlight() async throws {
        let broker = try await MosquittoBroker()
        let core = try RealCore()
        try await core.start()
        let edge = try ForwardTest.edge(broker: broker, urls: [core.url], token: core.token, forward: ["max_rate: 5000"])
        try await edge.start()
        let total = 40_000
        // Frozen from the start: the edge's requests reach the core's socket and wait there, so
        // batches are in flight when the edge dies, however slow the machine is.
        core.freeze(true)
        try await Publisher.publishBulk(port: broker.port, count: total, qos: 1, topics: ForwardTest.topics)
        #expect(await eventually(timeout: .seconds(60)) { (edge.metric("haetae_readings_spooled_total") ?? 0) >= Double(total) })
        #expect(await eventually(timeout: .seconds(10)) { (edge.metric("haetae_forward_batches_failed_total", labels: #"reason="unreachable""#) ?? 0) >= 1 },
                "requests waited at the frozen core until the edge gave up on them")
        await edge.kill()
        // Thawed, the core reads the requests that waited and stores those batches; nobody hears the 200.
        core.freeze(false)
        #expect(await eventually(timeout: .seconds(20)) { core.storedReadings() > 0 })
        let storedAtKill = core.storedReadings()
        try await edge.start()
        #expect(await eventually(timeout: .seconds(60)) { core.storedReadings() >= total }, "stored \(core.storedReadings())")
        #expect(await ForwardTest.drained(edge))
        try await Task.sleep(for: .milliseconds(300))

        let seqs = core.storedSeqs()
        let duplicates = core.metric("haetae_core_batches_total", labels: #"result="duplicate""#) ?? 0
        // QoS 1 is at least once: PUBACKs still in the killed edge's socket are lost with it
        // (the broker logs them missing and sends those messages again, flagged DUP), and the
        // restarted edge spools them again. The core must store exactly what the edges spooled.
        let redelivered = Int(edge.metric("haetae_readings_spooled_total") ?? -1)
        print("kill -9 with batches in flight to a frozen core: \(storedAtKill) stored at the kill, \(seqs.count) stored in the end, \(Int(duplicates)) batches sent again and answered duplicate, \(redelivered) readings redelivered by the broker after the kill")
        #expect(core.storedReadings() == total + redelivered, "every spooled reading once: \(total) before the kill, \(redelivered) after")
        #expect(seqs.count == total + redelivered && Set(seqs) == Set(0..<total),
                "every seq at least once, repeated only as often as the broker redelivered: \(seqs.count) stored, \(Set(seqs).count) distinct")
        #expect(redelivered >= 0, "the restarted edge answers /metrics")
        #expect(duplicates >= 1, "the batches in flight at the kill were stored by the core and sent again")
        #expect(await edge.stop() == 0)
        #expect(await core.stop() == 0)
    }
}
