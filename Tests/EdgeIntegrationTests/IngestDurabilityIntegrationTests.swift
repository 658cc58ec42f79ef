import Foundation
import Spool
import TestSupport
import Testing

/// Real mosquitto, real publisher (paho-mqtt), real `haetae-edge` process and spool file.
@Suite("Ingest durability (integration)", .serialized, .timeLimit(.minutes(5)))
struct IngestDurabilityIntegrationTests {
    static let topics = (1...4).map { "factory/seoul/line\($0)/press-0\($0)/temperature" }

    @Test("the persistent session keeps messages while the edge is down: all 10,000 arrive")
    func persistentSessionKeepsMessages() async throws {
        let broker = try await MosquittoBroker()
        let edge = try EdgeProcess(brokerPort: broker.port)
        try await edge.start()
        #expect(await edge.stop() == 0)

        try await Publisher.publishBulk(port: broker.port, count: 10_000, qos: 1, topics: Self.topics)
        try await edge.start()
        let arrived = await eventually(timeout: .seconds(30)) { (try? edge.spoolStats()?.readings) == 10_000 }
        #expect(arrived, "spool has \(String(describing: try? edge.spoolStats()))")
        #expect(await edge.stop() == 0)
        let accounting = SeqAccounting(expected: 10_000, seqs: try edge.spooledReadings().map(\.deviceSeq))
        #expect(accounting.missing == 0, "\(accounting)")
        #expect(accounting.duplicates == 0, "\(accounting)")
    }

    @Test("SIGTERM under load commits everything accepted and exits 0: nothing is lost")
    func sigtermUnderLoadLosesNothing() async throws {
        let broker = try await MosquittoBroker()
        let edge = try EdgeProcess(brokerPort: broker.port)
        try await edge.start()
        let total = 40_000
        let publishing = Task { try await Publisher.publishBulk(port: broker.port, count: total, qos: 1, topics: Self.topics) }
        #expect(await eventually(timeout: .seconds(30), poll: .milliseconds(5)) { (edge.metric("haetae_readings_spooled_total") ?? 0) > 2_000 })
        #expect(await edge.stop() == 0, "\(edge.output())")
        let spooledAtStop = try edge.spoolStats()?.readings ?? 0
        try await publishing.value
        try await edge.start()
        #expect(await eventually(timeout: .seconds(30)) { (try? edge.spoolStats()?.readings ?? 0) ?? 0 >= Int64(total) })
        #expect(await edge.stop() == 0)
        let accounting = SeqAccounting(expected: total, seqs: try edge.spooledReadings().map(\.deviceSeq))
        print("SIGTERM under load: stopped with \(spooledAtStop) spooled; after restart \(accounting)")
        #expect(spooledAtStop > 0 && spooledAtStop < Int64(total), "the stop should land mid-stream")
        #expect(accounting.missing == 0, "\(accounting)")
    }

    @Test("kill -9 under load loses at most the commit window (figure printed)")
    func killNineLosesAtMostTheCommitWindow() async throws {
        let broker = try await MosquittoBroker()
        let edge = try EdgeProcess(brokerPort: broker.port)
        try await edge.start()
        let total = 40_000
        let publishing = Task { try await Publisher.publishBulk(port: broker.port, count: total, qos: 1, topics: Self.topics) }
        #expect(await eventually(timeout: .seconds(30), poll: .milliseconds(5)) { (edge.metric("haetae_readings_spooled_total") ?? 0) > 5_000 })
        let received = edge.metric("haetae_messages_received_total") ?? 0
        await edge.kill()
        try await publishing.value
        try await edge.start()
        // After the restart the broker delivers what it still holds; wait until it is quiet.
        var last: Int64 = -1
        _ = await eventually(timeout: .seconds(30), poll: .milliseconds(500)) {
            let now = (try? edge.spoolStats()?.readings) ?? 0
            defer { last = now }
            return now == last && now > 0
        }
        #expect(await edge.stop() == 0)
        let accounting = SeqAccounting(expected: total, seqs: try edge.spooledReadings().map(\.deviceSeq))
        print("kill -9 under load (commit_interval 50ms, publisher ~\(Int(received)) msgs in before the kill): \(accounting)")
        // Lost = readings acknowledged to the broker but not yet committed when the process died:
        // the receive buffer (≤ one commit interval) plus hand-offs queued for the writer.
        #expect(accounting.missing <= 5_000, "\(accounting)")
        #expect(accounting.distinct > total - 5_000)
    }

    @Test("a broker restart under QoS 1 load loses nothing")
    func brokerRestartLosesNothing() async throws {
        let broker = try await MosquittoBroker()
        let edge = try EdgeProcess(brokerPort: broker.port)
        try await edge.start()
        await edge.stop()  // leave a backlog in the session
        try await Publisher.publishBulk(port: broker.port, count: 20_000, qos: 1, topics: Self.topics, clientID: "pub-a")
        try await edge.start()
        // Restart the broker while the edge drains the session backlog.
        #expect(await eventually(timeout: .seconds(20), poll: .milliseconds(2)) { (try? edge.spoolStats()?.readings ?? 0) ?? 0 > 0 })
        try await broker.restart()
        #expect(await eventually(timeout: .seconds(20)) { edge.metric("haetae_mqtt_connected") == 1 })
        #expect((edge.metric("haetae_mqtt_disconnects_total") ?? 0) >= 1)
        // The rest of the stream after the restart: seq 20,000 and up.
        try await Publisher.publishBulk(port: broker.port, count: 20_000, qos: 1, topics: Self.topics, clientID: "pub-b", firstSeq: 20_000)
        // The spool's count includes QoS 1 duplicates (thousands after a restart): 40,000 rows is
        // not yet every reading. Wait until the broker has delivered all it holds (a quiet second).
        var last: Int64 = -1
        #expect(await eventually(timeout: .seconds(30), poll: .seconds(1)) {
            let now = (try? edge.spoolStats()?.readings) ?? 0
            defer { last = now }
            return now >= 40_000 && now == last
        })
        #expect(await edge.stop() == 0)
        let accounting = SeqAccounting(expected: 40_000, seqs: try edge.spooledReadings().map(\.deviceSeq))
        print("broker restart under QoS 1 load: \(accounting)")
        #expect(accounting.missing == 0, "\(accounting)")
    }
}
