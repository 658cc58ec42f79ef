import Foundation
import Readings
import TestSupport
import Testing

/// Alerts ahead of a backlog, the catch-up rate cap, the drain rate and WAN bytes per reading.
@Suite("Forwarding: alerts, rate and size (integration)", .serialized, .timeLimit(.minutes(5)))
struct ForwardingThroughputIntegrationTests {
    static let rules = """
        rules:
          - name: furnace-overheat
            match: {device: "furnace-*", sensor: temperature}
            when: value > 850
            severity: critical
        """

    @Test("an alert fired while 50,000 readings wait in the spool reaches the core before the backlog has drained")
    func alertsGoAheadOfTheBacklog() async throws {
        let broker = try await MosquittoBroker()
        let core = TestCore()  // down while the backlog builds
        let edge = try ForwardTest.edge(
            broker: broker, urls: [core.url], token: core.token, forward: ["max_rate: 10000"], batchReadings: 5_000, rules: Self.rules)
        try await edge.start()
        let total = 50_000
        try await Publisher.publishBulk(port: broker.port, count: total, qos: 1, topics: ForwardTest.topics, timeout: .seconds(90))
        #expect(await eventually(timeout: .seconds(30)) { (edge.metric("haetae_readings_spooled_total") ?? 0) >= Double(total) })

        try await core.start()
        #expect(await eventually(timeout: .seconds(20)) { core.snapshot.readingsStored > 0 }, "the drain has begun")
        let published = ContinuousClock.now
        try await AlertTest.publish(broker, device: "furnace-01", value: 900)
        #expect(await eventually(timeout: .seconds(10), poll: .milliseconds(5)) { !core.snapshot.alerts.isEmpty })
        let latency = ContinuousClock.now - published
        let alert = try #require(core.snapshot.alerts.values.first)
        print("alert ahead of a 50,000-reading backlog: reached the core \(latency) after the publish, with \(alert.readingsStoredBefore) of \(total) readings stored")
        #expect(alert.rule == "furnace-overheat" && alert.notification == "firing")
        #expect(alert.readingsStoredBefore < total, "the alert did not wait for the backlog")

        #expect(await eventually(timeout: .seconds(60)) { core.snapshot.readingsStored >= total + 1 })
        #expect(await ForwardTest.drained(edge))
        let accounting = SeqAccounting(expected: total, seqs: core.deviceSeqs())
        #expect(accounting.missing == 0, "\(accounting)")
        #expect(edge.metric("haetae_forward_alerts_sent_total") == 1)
        #expect(core.snapshot.alertRepeats == 0)
        #expect(await edge.stop() == 0)
        await core.stop()
    }

    /// Publishes `count` readings while the core is down (or, with `edgeDown`, while the edge
    /// is down and the core up, so the edge finds the backlog at its start), then lets it drain
    /// and times it from the second stored batch to the last. Returns readings per second: the
    /// readings of every batch from the second to the one before the last over that time (a
    /// batch's readings are paid for after it went, so a cap holds when this stays under it; the
    /// first batch is left out because its request also opens the connection, whose delay on a
    /// busy machine would shorten the measured time and overstate the rate).
    static func drain(
        _ edge: EdgeProcess, _ core: TestCore, broker: MosquittoBroker, count: Int, firstSeq: Int,
        edgeDown environment: [String: String]? = nil
    ) async throws -> (rate: Double, seconds: Double) {
        let before = core.snapshot.storeOrder.count
        let readingsBefore = core.snapshot.readingsStored
        if environment != nil { try await core.start() }
        // paho-mqtt keeps at most 65,535 QoS 1 messages outstanding: publish in parts.
        for part in stride(from: 0, to: count, by: 50_000) {
            try await Publisher.publishBulk(
                port: broker.port, count: min(50_000, count - part), qos: 1, topics: ForwardTest.topics, firstSeq: firstSeq + part,
                timeout: .seconds(90))
        }
        if let environment {
            try await edge.start(environment: environment)
        } else {
            #expect(await eventually(timeout: .seconds(30)) { (try? edge.spoolStats()?.readings) == Int64(count) && (try? edge.spoolStats()?.openReadings) == 0 })
            try await core.start()
        }
        #expect(await eventually(timeout: .seconds(90)) { core.snapshot.readingsStored - readingsBefore >= count })
        let state = core.snapshot
        let stored = state.storeOrder.dropFirst(before).compactMap { state.batches[$0] }.sorted { $0.storedAt < $1.storedAt }
        await core.stop()
        let readings = stored.reduce(0) { $0 + $1.batch.count }
        #expect(readings == count)
        guard stored.count >= 3 else { return (0, 0) }
        let first = stored[1].storedAt, last = stored[stored.count - 1].storedAt
        let seconds = Double((last - first).components.attoseconds) * 1e-18 + Double((last - first).components.seconds)
        let timed = stored[1..<(stored.count - 1)].reduce(0) { $0 + $1.batch.count }
        return (Double(timed) / max(seconds, 1e-3), seconds)
    }

    @Test("a backlog drains flat out without a cap, and at most max_rate readings/s with one (figures printed)")
    func rateCap() async throws {
        let broker = try await MosquittoBroker()
        let core = TestCore()
        // Sealed by size only (5,000 readings), as a backlog after an outage is.
        let edge = try ForwardTest.edge(broker: broker, urls: [core.url], token: core.token, batchReadings: 5_000, batchAge: "60s")
        try await edge.start()
        let uncapped = try await Self.drain(edge, core, broker: broker, count: 100_000, firstSeq: 0)
        #expect(await edge.stop() == 0)

        // The edge finds 30,000 readings queued at the broker when it starts, the core up all along.
        let cap = 5_000
        let capped = try await Self.drain(
            edge, core, broker: broker, count: 30_000, firstSeq: 100_000, edgeDown: ["HAETAE_FORWARD_MAX_RATE": "\(cap)"])
        #expect(await edge.stop() == 0)
        print("backlog drain (batches of 5,000, 4 in flight, loopback core): uncapped \(Int(uncapped.rate)) readings/s over \(String(format: "%.2f", uncapped.seconds)) s; max_rate \(cap): \(Int(capped.rate)) readings/s over \(String(format: "%.2f", capped.seconds)) s")
        // Timed by when the core finished storing each batch: on a busy machine one store can
        // take a few hundred ms longer than the next, which moves 4 s of timing by up to ~8%.
        #expect(capped.rate <= Double(cap) * 1.1, "the cap holds")
        #expect(capped.rate >= Double(cap) * 0.7, "and the drain still runs near it")
        #expect(uncapped.rate > Double(cap), "without a cap the drain is faster")
    }

    @Test("WAN bytes per reading for the seoul scenario (figures printed)")
    func wanBytesPerReading() async throws {
        let broker = try await MosquittoBroker()
        let core = TestCore()
        try await core.start()
        let edge = try EdgeProcess(brokerPort: broker.port, extra: "forward: {urls: [\"\(core.url)\"], token_file: edge.token}")
        try (core.token + "\n").write(toFile: edge.directory.file("edge.token"), atomically: true, encoding: .utf8)
        try await edge.start()
        // What the devices put on the wire, for comparison: every payload's length (`-F %l`), from a real subscriber.
        let subscriber = try ChildProcess("mosquitto_sub", ["-h", "127.0.0.1", "-p", "\(broker.port)", "-q", "1", "-t", "factory/#", "-F", "%l"],
                                          outputDirectory: edge.directory.path)
        try await Task.sleep(for: .milliseconds(300))

        let sim = try BuiltProducts.executable("haetae-sim")
        try await ChildProcess.run(sim, [
            "run", "--scenario", "seoul", "--broker", "mqtt://127.0.0.1:\(broker.port)", "--quiet", "--duration", "20s",
        ], timeout: .seconds(90))
        #expect(await ForwardTest.drained(edge, timeout: .seconds(30)))
        #expect(await edge.stop() == 0)
        subscriber.terminate()
        _ = await subscriber.waitForExit(timeout: .seconds(5))

        let batches = core.snapshot.batches.values.map(\.batch)
        let readings = batches.reduce(0) { $0 + $1.count }
        try #require(readings > 10_000)
        let compressed = core.snapshot.batches.values.reduce(0) { $0 + $1.compressedBytes }
        let raw = core.snapshot.batches.values.reduce(0) { $0 + $1.rawBytes }
        let payloadBytes = subscriber.standardOutput().split(separator: "\n").reduce(0) { $0 + (Int($1) ?? 0) }
        var lines = [
            "seoul scenario, 20 s, \(readings) readings in \(batches.count) batches (sealed by age, 1 s):",
            String(format: "  MQTT payload bytes/reading (device JSON):  %.1f", Double(payloadBytes) / Double(readings)),
            String(format: "  batch JSON bytes/reading (uncompressed):   %.1f", Double(raw) / Double(readings)),
            String(format: "  WAN bytes/reading (gzip, as sent):         %.2f", Double(compressed) / Double(readings)),
        ]
        for variant in WireSizeEstimate.Variant.allCases.dropFirst() {
            let bytes = batches.reduce(0) { $0 + WireSizeEstimate.gzipBytes(WireSizeEstimate.encode($1, as: variant)) }
            lines.append(String(format: "  estimate if %@: %.2f", variant.rawValue, Double(bytes) / Double(readings)))
        }
        print(lines.joined(separator: "\n"))
        #expect(Double(compressed) / Double(readings) < Double(raw) / Double(readings) / 3, "gzip pays")
        await core.stop()
    }
}
