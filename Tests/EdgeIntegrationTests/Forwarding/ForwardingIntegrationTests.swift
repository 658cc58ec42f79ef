import Foundation
import TestSupport
import Testing

/// The forwarder against a real HTTP core stand-in (``TestCore``), with real mosquitto, real
/// publishers and real `haetae-edge` processes.
@Suite("Forwarding to the core (integration)", .serialized, .timeLimit(.minutes(4)))
struct ForwardingIntegrationTests {
    @Test("every reading arrives exactly once while the core goes down, answers 503, loses answers and comes back; metrics count it")
    func exactlyOnceThroughOutages() async throws {
        let broker = try await MosquittoBroker()
        let core = TestCore()
        try await core.start()
        let edge = try ForwardTest.edge(broker: broker, urls: [core.url], token: core.token)
        try await edge.start()
        let total = 30_000
        let publishing = Task { try await Publisher.publishBulk(port: broker.port, count: total, qos: 1, topics: ForwardTest.topics) }

        #expect(await eventually(timeout: .seconds(30)) { core.snapshot.readingsStored >= 3_000 })
        await core.stop()  // down: connections refused
        #expect(await eventually(timeout: .seconds(10)) {
            (edge.metric("haetae_forward_batches_failed_total", labels: #"reason="unreachable""#) ?? 0) >= 1
        })
        try await Task.sleep(for: .seconds(1))
        let backlogDuringOutage = edge.metric("haetae_forward_backlog_readings") ?? 0
        try await core.start()
        core.fail(.status(503))
        #expect(await eventually(timeout: .seconds(10)) { core.snapshot.failed >= 2 })
        // Stored, but the 200 never comes: the edge times out (2 s) and must send it again.
        core.fail(.storeThenHang)
        #expect(await eventually(timeout: .seconds(15)) { core.snapshot.repeats >= 1 })
        core.fail(.none)
        try await publishing.value

        #expect(await eventually(timeout: .seconds(60)) { core.snapshot.readingsStored >= total }, "stored \(core.snapshot.readingsStored)")
        #expect(await ForwardTest.drained(edge), "spool: \(String(describing: try? edge.spoolStats()))")
        let state = core.snapshot
        let accounting = SeqAccounting(expected: total, seqs: core.deviceSeqs())
        print("outages: \(accounting); \(state.batches.count) batches stored, \(state.repeats) repeats of a stored batch, \(state.failed) answered 503; backlog during the outage \(Int(backlogDuringOutage)) readings")
        #expect(accounting.missing == 0, "\(accounting)")
        #expect(accounting.duplicates == 0, "\(accounting)")
        #expect(state.readingsStored == total)
        #expect(state.repeats >= 1, "storeThenHang should have made the edge send a stored batch again")
        #expect(state.failed >= 1)
        #expect(backlogDuringOutage > 0)

        // Metrics (the gauges refresh every second).
        #expect(await eventually(timeout: .seconds(5)) { edge.metric("haetae_forward_backlog_readings") == 0 })
        let metrics = edge.metrics()
        func metric(_ name: String, _ labels: String = "") -> Double { HTTPGet.metric(name, labels: labels, in: metrics) ?? -1 }
        // Each batch is acknowledged once (a repeat during storeThenHang was held too, so not acknowledged).
        #expect(metric("haetae_forward_batches_sent_total") == Double(state.batches.count))
        #expect(metric("haetae_forward_readings_sent_total") >= Double(total))
        #expect(metric("haetae_forward_batches_failed_total", #"reason="unreachable""#) >= 1)
        #expect(metric("haetae_forward_batches_failed_total", #"reason="server_error""#) >= 1)
        #expect(metric("haetae_forward_latency_seconds_count") == Double(state.batches.count))
        #expect(metric("haetae_forward_bytes_sent_total") >= Double(state.batches.values.reduce(0) { $0 + $1.compressedBytes }))
        #expect(metric("haetae_forward_bytes_per_reading") > 0)
        #expect(metric("haetae_forward_backlog_oldest_age_seconds") == 0)
        #expect(await edge.stop() == 0)
    }

    @Test("an edge stopped with batches in flight (SIGTERM, then kill -9) neither loses nor duplicates a reading")
    func restartWithBatchesInFlight() async throws {
        let broker = try await MosquittoBroker()
        let core = TestCore()
        try await core.start()
        core.fail(.storeThenHang)
        let edge = try ForwardTest.edge(broker: broker, urls: [core.url], token: core.token, forward: ["max_rate: 8000"])
        try await edge.start()
        let total = 40_000
        try await Publisher.publishBulk(port: broker.port, count: total, qos: 1, topics: ForwardTest.topics)
        #expect(await eventually(timeout: .seconds(30)) { (edge.metric("haetae_readings_spooled_total") ?? 0) >= Double(total) })
        // Batches stored at the core and held there: in flight for the edge (up to 4; once a
        // request has timed out the lane probes with one at a time).
        #expect(await eventually(timeout: .seconds(10)) { core.snapshot.batches.count >= 1 })
        let inFlightAtStop = core.snapshot.batches.count
        // For the record when a duplicate shows up: more spooled than published means the broker
        // delivered a message twice (a reconnect); equal means the forwarding path stored twice.
        let firstRun = (spooled: edge.metric("haetae_readings_spooled_total") ?? -1, received: edge.metric("haetae_messages_received_total") ?? -1,
                        connects: edge.metric("haetae_mqtt_connects_total") ?? -1)
        let stopStarted = ContinuousClock.now
        #expect(await edge.stop() == 0, "\(edge.output())")
        let stopTook = ContinuousClock.now - stopStarted

        // Back with a working core; kill -9 in the middle of the drain (max_rate spreads it over ~5 s).
        core.fail(.none)
        try await edge.start()
        #expect(await eventually(timeout: .seconds(30), poll: .milliseconds(5)) { core.snapshot.readingsStored >= total / 3 })
        let storedAtKill = core.snapshot.readingsStored
        // Messages the broker delivered again after the first run's stop (PUBACKs it never got)
        // are received here: they would be stored twice, under new batch keys.
        let secondRunReceived = edge.metric("haetae_messages_received_total") ?? -1
        await edge.kill()
        try await edge.start()
        #expect(await eventually(timeout: .seconds(60)) { core.snapshot.readingsStored >= total })
        #expect(await ForwardTest.drained(edge))
        let thirdRunReceived = edge.metric("haetae_messages_received_total") ?? -1
        #expect(await edge.stop() == 0)

        let state = core.snapshot
        let accounting = SeqAccounting(expected: total, seqs: core.deviceSeqs())
        print("restarts with batches in flight: \(inFlightAtStop) held at SIGTERM (stop took \(stopTook)); kill -9 at \(storedAtKill) stored; \(accounting), \(state.repeats) repeats of a stored batch (answered 200 or held); first run: \(firstRun.received) messages received, \(firstRun.spooled) readings spooled, \(firstRun.connects) MQTT connects; received again by the second run \(secondRunReceived), by the third \(thirdRunReceived); \(state.batches.count) batches stored")
        #expect(accounting.missing == 0, "\(accounting)")
        #expect(accounting.duplicates == 0, "\(accounting); \(Self.duplicateKeys(state.batches))")
        #expect(state.repeats >= 1, "the batches held at SIGTERM come again and are answered 200")
        #expect(stopTook < .seconds(10), "SIGTERM waits for the requests in flight at most forward.timeout (2s)")
        #expect(storedAtKill < total, "the kill should land mid-drain")
    }

    @Test("a 200 that is not the core's answer (a captive portal) deletes nothing: the batches and the alert wait, then arrive once")
    func foreignAnswerDeletesNothing() async throws {
        let broker = try await MosquittoBroker()
        let core = TestCore()
        try await core.start()
        core.fail(.foreign)
        let edge = try ForwardTest.edge(broker: broker, urls: [core.url], token: core.token, rules: ForwardingThroughputIntegrationTests.rules)
        try await edge.start()
        let total = 5_000
        try await Publisher.publishBulk(port: broker.port, count: total, qos: 1, topics: ForwardTest.topics)
        try await AlertTest.publish(broker, device: "furnace-01", value: 900)
        #expect(await eventually(timeout: .seconds(20)) {
            (edge.metric("haetae_forward_batches_failed_total", labels: #"reason="not_core""#) ?? 0) >= 1
                && (edge.metric("haetae_forward_alerts_failed_total", labels: #"reason="not_core""#) ?? 0) >= 1
        }, "\(edge.output())")
        // Waited for, not read once: on a busy machine the last readings may still be on their way into the spool.
        #expect(await eventually(timeout: .seconds(20)) { ((try? edge.spoolStats())?.readings ?? 0) >= Int64(total) }, "nothing was deleted on a foreign 200")
        #expect(edge.metric("haetae_forward_batches_sent_total") == 0)

        core.fail(.none)
        #expect(await eventually(timeout: .seconds(60)) { core.snapshot.readingsStored >= total + 1 }, "stored \(core.snapshot.readingsStored)")
        #expect(await eventually(timeout: .seconds(30)) { core.snapshot.alerts.count == 1 })
        #expect(await ForwardTest.drained(edge))
        let accounting = SeqAccounting(expected: total, seqs: core.deviceSeqs().filter { $0 >= 0 && $0 < Int64(total) })
        #expect(accounting.missing == 0 && accounting.duplicates == 0, "\(accounting)")
        #expect(await edge.stop() == 0)
        await core.stop()
    }

    @Test("an alert the core refuses as malformed is found by sending the refused post one alert at a time and set aside, counted; the alerts beside it and after it arrive")
    func refusedAlertDoesNotBlockTheLane() async throws {
        let broker = try await MosquittoBroker()
        let core = TestCore()
        try await core.start()
        core.fail(.status(503))  // the alerts wait, then go in one post
        let edge = try ForwardTest.edge(broker: broker, urls: [core.url], token: core.token, rules: ForwardingThroughputIntegrationTests.rules)
        try await edge.start()
        for device in ["furnace-01", "furnace-02", "furnace-03"] { try await AlertTest.publish(broker, device: device, value: 900) }
        #expect(await eventually(timeout: .seconds(20)) {
            (edge.metric("haetae_forward_alerts_failed_total", labels: #"reason="server_error""#) ?? 0) >= 1
                && edge.metric("haetae_forward_alerts_backlog") == 3
        }, "\(edge.output().suffix(2_000))")
        core.refuseAlerts(ofDevice: "furnace-02")
        core.fail(.none)
        #expect(await eventually(timeout: .seconds(30)) { core.snapshot.alerts.count == 2 }, "\(edge.output().suffix(2_000))")
        #expect(await eventually { edge.metric("haetae_forward_alerts_refused_total") == 1 })
        #expect(Set(core.snapshot.alerts.values.map(\.alertID)).count == 2)
        // A later alert is not held behind the refused one.
        try await AlertTest.publish(broker, device: "furnace-04", value: 900)
        #expect(await eventually(timeout: .seconds(20)) { core.snapshot.alerts.count == 3 })
        #expect(edge.metric("haetae_forward_alerts_refused_total") == 1)
        #expect(await edge.stop() == 0)
        await core.stop()
    }

    @Test("fails over to the second core URL, and to the first when the second goes away")
    func failover() async throws {
        let broker = try await MosquittoBroker()
        let first = TestCore()
        let second = TestCore(token: first.token)
        try await second.start()  // the first is down
        let edge = try ForwardTest.edge(broker: broker, urls: [first.url, second.url], token: first.token)
        try await edge.start()
        try await Publisher.publishBulk(port: broker.port, count: 5_000, qos: 1, topics: ForwardTest.topics)
        #expect(await eventually(timeout: .seconds(20)) { second.snapshot.readingsStored == 5_000 })
        #expect((edge.metric("haetae_forward_failovers_total") ?? 0) >= 1)

        try await first.start()
        await second.stop()
        try await Publisher.publishBulk(port: broker.port, count: 5_000, qos: 1, topics: ForwardTest.topics, firstSeq: 5_000)
        #expect(await eventually(timeout: .seconds(20)) { first.snapshot.readingsStored == 5_000 })
        #expect(await ForwardTest.drained(edge))
        let seqs = first.deviceSeqs() + second.deviceSeqs()
        let accounting = SeqAccounting(expected: 10_000, seqs: seqs)
        #expect(accounting.missing == 0 && accounting.duplicates == 0, "\(accounting)")
        #expect(edge.output().contains("switching to the next core URL"))
        #expect(await edge.stop() == 0)
        await first.stop()
    }

    @Test("a token the core refuses keeps every batch, says so loudly without the token, and a fixed token sends them all")
    func refusedToken() async throws {
        let broker = try await MosquittoBroker()
        let core = TestCore()
        try await core.start()
        let wrong = "wrong-token-\(UUID().uuidString.prefix(6))"
        let edge = try ForwardTest.edge(broker: broker, urls: [core.url], token: wrong)
        try await edge.start()
        try await Publisher.publishBulk(port: broker.port, count: 3_000, qos: 1, topics: ForwardTest.topics)
        #expect(await eventually(timeout: .seconds(20)) { (edge.metric("haetae_forward_batches_failed_total", labels: #"reason="unauthorized""#) ?? 0) >= 1 })
        try await Task.sleep(for: .seconds(1))
        #expect(core.snapshot.readingsStored == 0)
        #expect(core.snapshot.unauthorized >= 1)
        #expect(try edge.spoolStats()?.readings == 3_000, "nothing is deleted")
        #expect(await edge.stop() == 0)
        let output = edge.output()
        #expect(output.contains("core refused this edge's token"))
        #expect(!output.contains(wrong), "the token is never logged")

        try (core.token + "\n").write(toFile: edge.directory.file("edge.token"), atomically: true, encoding: .utf8)
        try await edge.start()
        #expect(await eventually(timeout: .seconds(20)) { core.snapshot.readingsStored == 3_000 })
        #expect(await edge.stop() == 0)
        #expect(!edge.output().contains(core.token))

        // A token file that is missing stops the start with file, line and key.
        try FileManager.default.removeItem(atPath: edge.directory.file("edge.token"))
        let check = try ChildProcess(edge.binary, ["config", "check", "--config", edge.configPath])
        #expect(await check.waitForExit(timeout: .seconds(20)) == 1)
        #expect(check.output().contains("edge.yaml:") && check.output().contains("forward.token_file: cannot read"), "\(check.output())")
    }

    /// For the record when a reading is stored twice: the batch keys (edge:spool:seq) that hold
    /// the same device seq, with each batch's size and seq range, for the first few.
    static func duplicateKeys(_ batches: [String: TestCore.StoredBatch]) -> String {
        var keysBySeq: [Int64: [String]] = [:]
        for (key, stored) in batches {
            for seq in stored.batch.deviceSeq { keysBySeq[seq, default: []].append(key) }
        }
        let twice = keysBySeq.filter { $0.value.count > 1 }
        let groups = Set(twice.values.map { $0.sorted() })
        return groups.sorted { $0.description < $1.description }.prefix(6).map { keys in
            keys.map { key in
                let batch = batches[key]!.batch
                return "\(key) (\(batch.count) readings, seq \(batch.deviceSeq.min() ?? -1)…\(batch.deviceSeq.max() ?? -1))"
            }.joined(separator: " and ")
        }.joined(separator: "; ")
    }
}
