import CoreMetrics
import Foundation
@testable import Edge
import Logging
import SQLite
import TestSupport
import Testing
import Webhooks

@Suite("Recording an alert: one transaction")
struct AlertRecordingTests {
    /// Rows of one table, as `(column 0, column 1)` strings.
    static func rows(_ connection: SQLiteConnection, _ sql: String) throws -> [[String]] {
        let query = try connection.prepare(sql)
        var rows: [[String]] = []
        while try query.step() { rows.append([query.string(at: 0), query.string(at: 1)]) }
        return rows
    }

    @Test("a notification, its state change and its webhook rows commit together: a failing outbox write leaves none, the retry writes each once")
    func allOrNothing() async throws {
        let directory = try TemporaryDirectory(prefix: "haetae-alert-atomic")
        defer { directory.remove() }
        let store = try AlertStore(path: directory.file("alerts.db"), reserve: 0)
        let probe = try SQLiteConnection(path: directory.file("alerts.db"))
        let service = try AlertService(
            store: store, dispatcher: nil, edge: "seoul-a", metrics: EdgeMetrics(factory: NOOPMetricsHandler.instance),
            logger: Logger(label: "test"), site: "seoul", systemReceivers: ["default", "pager"])
        // The last step of the transaction fails, as a full disk or a crash would stop it there.
        try probe.execute("CREATE TRIGGER failing BEFORE INSERT ON webhook_messages WHEN NEW.receiver = 'pager' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END")
        let running = Task { try await service.run() }
        defer { running.cancel() }

        service.system(.spoolStorage, firing: true, detail: "disk full")
        #expect(await eventually(timeout: .seconds(60)) { service.firingBodies().count == 1 })
        try await Task.sleep(for: .milliseconds(1_500))  // at least one retry fails too
        #expect(try probe.scalarInt("SELECT count(*) FROM alert_log") == 0)
        #expect(try probe.scalarInt("SELECT count(*) FROM active_alerts") == 0)
        #expect(try probe.scalarInt("SELECT count(*) FROM webhook_messages") == 0)  // not even the first receiver's

        try probe.execute("DROP TRIGGER failing")
        #expect(await eventually(timeout: .seconds(60)) { (try? probe.scalarInt("SELECT count(*) FROM webhook_messages")) == 2 })
        try await Task.sleep(for: .milliseconds(1_500))  // retries after success add nothing
        let log = try Self.rows(probe, "SELECT kind, webhook_id FROM alert_log")
        #expect(log.map(\.[0]) == ["firing"])
        #expect(try probe.scalarInt("SELECT count(*) FROM active_alerts") == 1)
        let webhooks = try Self.rows(probe, "SELECT receiver, id FROM webhook_messages ORDER BY receiver")
        #expect(webhooks.map(\.[0]) == ["default", "pager"])
        #expect(webhooks.allSatisfy { $0[1] == log[0][1] })  // the notification's webhook id
    }

    @Test("without webhook receivers nothing is queued, and the notification is still logged for the core")
    func noReceiversNoOutboxRows() throws {
        let directory = try TemporaryDirectory(prefix: "haetae-alert-noqueue")
        defer { directory.remove() }
        let store = try AlertStore(path: directory.file("alerts.db"), reserve: 0, queuesWebhooks: false)
        _ = try AlertLogPurgeTests.record(store, marker: 1, atMillis: 1_000, receivers: ["default"])
        #expect(try store.connection.scalarInt("SELECT count(*) FROM alert_log") == 1)
        #expect(try store.connection.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'webhook_messages'") == 0)
    }

    @Test("a file from before: notifications a crash left unqueued are queued at open, once, and the enqueued flag goes")
    func migratesEnqueuedFlag() throws {
        let directory = try TemporaryDirectory(prefix: "haetae-alert-migrate")
        defer { directory.remove() }
        let path = directory.file("alerts.db")
        do {
            let old = try SQLiteConnection(path: path)
            try old.execute("""
                CREATE TABLE alert_log(
                    id INTEGER PRIMARY KEY AUTOINCREMENT, alert_id TEXT NOT NULL, kind TEXT NOT NULL, webhook_id TEXT NOT NULL,
                    body BLOB NOT NULL, receivers TEXT NOT NULL, created_at INTEGER NOT NULL,
                    enqueued INTEGER NOT NULL DEFAULT 0, forwarded INTEGER NOT NULL DEFAULT 0);
                CREATE INDEX alert_log_pending ON alert_log(enqueued) WHERE enqueued = 0;
                INSERT INTO alert_log(alert_id, kind, webhook_id, body, receivers, created_at, enqueued)
                    VALUES ('a', 'firing', 'msg_queued', x'01', 'default', 1000, 1),
                           ('b', 'firing', 'msg_crashed', x'02', 'default,pager', 2000, 0);
                """)
        }
        for _ in 0..<2 {
            let store = try AlertStore(path: path, reserve: 0)
            let queued = try Self.rows(store.connection, "SELECT receiver, id FROM webhook_messages ORDER BY receiver")
            #expect(queued == [["default", "msg_crashed"], ["pager", "msg_crashed"]])
            #expect(try store.connection.scalarInt("SELECT count(*) FROM pragma_table_info('alert_log') WHERE name = 'enqueued'") == 0)
            #expect(try store.connection.scalarInt("SELECT count(*) FROM alert_log") == 2)
        }
    }
}
