@testable import Edge
import Readings
import SQLite
import TestSupport
import Testing

@Suite("Stop-command records in alerts.db")
struct CommandLogTests {
    static func command(_ n: Int, at: Int64 = 1_000) -> CommandAttempt {
        CommandAttempt(
            alertID: "a\(n)", rule: "overpressure", site: "seoul", line: "line1", device: "pump-\(n)", topic: "factory/seoul/line1/pump-\(n)/cmd",
            payload: #"{"cmd":"stop"}"#, qos: 1, attempt: 1, atMillis: at, result: "sent")
    }

    @Test("records keep their place; the alert lane reads notifications first, then commands with the room left, in order, until marked forwarded")
    func pendingAndForwarded() throws {
        let directory = try TemporaryDirectory(prefix: "haetae-command-log")
        defer { directory.remove() }
        let path = directory.file("alerts.db")
        let store = try AlertStore(path: path)
        for n in 1...3 { try store.record(command: Self.command(n)) }
        let notice = try AlertLogPurgeTests.record(store, marker: 1, atMillis: 2_000, receivers: [])
        #expect(try store.commands(limit: 10).map(\.device) == ["pump-3", "pump-2", "pump-1"], "newest first")
        #expect(try store.commands(limit: 10).last == Self.command(1))

        let log = try AlertForwardLog(path: path)
        var pending = try log.pending(limit: 3)
        #expect(pending.notices.map(\.id) == [notice])
        #expect(pending.commands.map(\.command.device) == ["pump-1", "pump-2"])
        #expect(try log.pendingCount() == 4)
        try log.markForwarded([notice], commands: [pending.commands[0].id])
        pending = try log.pending(limit: 1)
        #expect(pending.notices.isEmpty && pending.commands.map(\.command.device) == ["pump-2"], "the same first item, read again")
        pending = try log.pending(limit: 10)
        #expect(pending.count == 2)
        #expect(try log.pendingCount() == 2)
        try log.markForwarded([], commands: pending.commands.map(\.id))
        #expect(try log.pending(limit: 10).isEmpty)
    }

    @Test("with forwarding, old command records leave alerts.db only once the core has them")
    func purgeWaitsForTheCore() throws {
        let directory = try TemporaryDirectory(prefix: "haetae-command-purge")
        defer { directory.remove() }
        let path = directory.file("alerts.db")
        let store = try AlertStore(path: path)
        try store.record(command: Self.command(1, at: 1_000))
        try store.record(command: Self.command(2, at: 1_000))
        try store.record(command: Self.command(3, at: 9_000))
        let log = try AlertForwardLog(path: path)
        try log.markForwarded([], commands: [try log.pending(limit: 1).commands[0].id])
        _ = try store.purge(olderThan: 5_000, requireForwarded: true)
        #expect(try store.commands(limit: 10).map(\.device) == ["pump-3", "pump-2"])
        _ = try store.purge(olderThan: 5_000, requireForwarded: false)
        #expect(try store.commands(limit: 10).map(\.device) == ["pump-3"])
    }

    @Test("a file from before commands had a place gains the columns; its old records are not sent to the core")
    func migratesOldCommandsTable() throws {
        let directory = try TemporaryDirectory(prefix: "haetae-command-migrate")
        defer { directory.remove() }
        let path = directory.file("alerts.db")
        do {
            let old = try SQLiteConnection(path: path)
            try old.execute("""
                CREATE TABLE commands(
                    id INTEGER PRIMARY KEY AUTOINCREMENT, alert_id TEXT NOT NULL, rule TEXT NOT NULL, topic TEXT NOT NULL,
                    payload TEXT NOT NULL, qos INTEGER NOT NULL, attempt INTEGER NOT NULL, at INTEGER NOT NULL, result TEXT NOT NULL);
                INSERT INTO commands(alert_id, rule, topic, payload, qos, attempt, at, result) VALUES ('a0', 'r', 't', 'p', 0, 1, 500, 'sent');
                """)
        }
        let store = try AlertStore(path: path)
        #expect(try store.commands(limit: 10).map(\.alertID) == ["a0"])
        #expect(try store.commands(limit: 10).first?.site == "")
        try store.record(command: Self.command(1))
        let pending = try AlertForwardLog(path: path).pending(limit: 10)
        #expect(pending.commands.map(\.command) == [Self.command(1)])
        _ = try AlertStore(path: path)  // opening again changes nothing
        #expect(try store.commands(limit: 10).count == 2)
    }

    @Test("a read can leave commands out, and stop at a post's last rows (what was recorded after it waits)")
    func boundedReads() throws {
        let directory = try TemporaryDirectory(prefix: "haetae-command-bound")
        defer { directory.remove() }
        let path = directory.file("alerts.db")
        let store = try AlertStore(path: path)
        let first = try AlertLogPurgeTests.record(store, marker: 1, atMillis: 1_000, receivers: [])
        try store.record(command: Self.command(1))
        let log = try AlertForwardLog(path: path)
        let refused = try log.pending(limit: 10)
        let bound = AlertForwardLog.Bound(notice: refused.notices.last!.id, command: refused.commands.last!.id)
        _ = try AlertLogPurgeTests.record(store, marker: 2, atMillis: 2_000, receivers: [])  // recorded after the refused post
        try store.record(command: Self.command(2))
        try log.markForwarded([first], commands: [])
        let next = try log.pending(limit: 1, upTo: bound)
        #expect(next.notices.isEmpty && next.commands.map(\.command.device) == ["pump-1"], "the refused post's command, not the newer notification")
        #expect(try log.pending(limit: 10, commands: false).commands.isEmpty)
        #expect(try log.pending(limit: 10).count == 3)
    }

    @Test("a publish that keeps failing is audited at its first failure, not at every retry; what it came to is")
    func repeatedFailuresStayAtTheEdge() throws {
        let directory = try TemporaryDirectory(prefix: "haetae-command-audit")
        defer { directory.remove() }
        let path = directory.file("alerts.db")
        let store = try AlertStore(path: path)
        var failed = Self.command(1)
        failed.result = "failed, retried while the alert fires: the MQTT client is not running"
        try store.record(command: failed)
        failed.attempt = 2
        try store.record(command: failed)
        var sent = Self.command(1)
        sent.attempt = 3
        try store.record(command: sent)
        #expect(try store.commands(limit: 10).count == 3, "all at the edge")
        let audited = try AlertForwardLog(path: path).pending(limit: 10).commands.map(\.command.attempt)
        #expect(audited == [1, 3])
    }
}
