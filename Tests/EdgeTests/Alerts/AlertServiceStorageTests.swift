import CoreMetrics
import Foundation
@testable import Edge
import Logging
import SQLite
import TestSupport
import Testing

@Suite("Alerts when alerts.db cannot be written")
struct AlertServiceStorageTests {
    func service(_ directory: TemporaryDirectory) throws -> (AlertService, AlertStore) {
        let store = try AlertStore(path: directory.file("alerts.db"), reserve: 1 << 20)
        let probe = try AlertStore(path: directory.file("alerts.db"), reserve: 0)
        let service = try AlertService(
            store: store, dispatcher: nil, edge: "seoul-a", metrics: EdgeMetrics(factory: NOOPMetricsHandler.instance),
            logger: Logger(label: "test"), site: "seoul", systemReceivers: ["default"])
        return (service, probe)
    }

    @Test("space is kept inside alerts.db and its WAL, so it can be written on a full disk")
    func reserve() throws {
        let directory = try TemporaryDirectory(prefix: "haetae-alert-reserve")
        defer { directory.remove() }
        let store = try AlertStore(path: directory.file("alerts.db"), reserve: 1 << 20)
        let pageSize = try store.connection.scalarInt("PRAGMA page_size")
        #expect(try store.connection.scalarInt("PRAGMA freelist_count") * pageSize >= 1 << 20)
        let wal = try FileManager.default.attributesOfItem(atPath: directory.file("alerts.db-wal"))[.size] as? Int ?? 0
        #expect(wal >= 1 << 20)
        #expect(try store.connection.scalarInt("PRAGMA wal_autocheckpoint") == 64)
    }

    @Test("notifications that cannot be written wait in memory, in order, and are recorded once the file is writable; the API shows them at once")
    func keptUntilWritable() async throws {
        let directory = try TemporaryDirectory(prefix: "haetae-alert-retry")
        defer { directory.remove() }
        let (service, probe) = try service(directory)
        try probe.connection.execute("CREATE TRIGGER full BEFORE INSERT ON alert_log BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
        let running = Task { try await service.run() }
        defer { running.cancel() }

        service.system(.spoolStorage, firing: true, detail: "disk full")
        service.system(.spoolStorage, firing: true, detail: "still full")  // no second firing
        // Generous timeouts: in the parallel phase the service's task can wait long for a thread.
        #expect(await eventually(timeout: .seconds(60)) { service.firingBodies().count == 1 })
        service.system(.spoolStorage, firing: false, detail: "")
        #expect(await eventually(timeout: .seconds(60)) { service.firingBodies().isEmpty })
        try await Task.sleep(for: .milliseconds(300))
        #expect(try probe.recent(limit: 10).isEmpty)

        try probe.connection.execute("DROP TRIGGER full")
        #expect(await eventually(timeout: .seconds(60)) { (try? probe.recent(limit: 10).count) == 2 })
        let kinds = try probe.connection.prepare("SELECT kind, alert_id FROM alert_log ORDER BY id")
        var rows: [(String, String)] = []
        while try kinds.step() { rows.append((kinds.string(at: 0), kinds.string(at: 1))) }
        #expect(rows.map(\.0) == ["firing", "resolved"])
        #expect(rows[0].1 == rows[1].1)  // one alert id for both
        // The edge's own alerts are never handed to the rule engine.
        #expect(try service.activeAlerts().isEmpty)
    }
}
