import Foundation
import SQLite
import TestSupport
import Testing
@testable import Webhooks

@Suite("Webhook outbox")
struct WebhookOutboxTests {
    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory(prefix: "haetae-outbox")
        path = directory.file("webhooks.db")
    }

    @Test("enqueue is idempotent on receiver and id; the same id may go to two receivers")
    func idempotent() throws {
        let outbox = try WebhookOutbox(path: path)
        #expect(try outbox.enqueue(receiver: "oncall", id: "msg_1", body: [1], createdAtMillis: 1_000))
        #expect(try !outbox.enqueue(receiver: "oncall", id: "msg_1", body: [2], createdAtMillis: 2_000))
        #expect(try outbox.enqueue(receiver: "mes", id: "msg_1", body: [3], createdAtMillis: 1_000))
        #expect(try outbox.depth() == 2)
        #expect(try outbox.message(receiver: "oncall", id: "msg_1")?.body == [1])
    }

    @Test("due returns one receiver's due rows, oldest due first, up to the limit")
    func due() throws {
        let outbox = try WebhookOutbox(path: path)
        for index in 0..<5 {
            try outbox.enqueue(receiver: "a", id: "msg_a\(index)", body: [], createdAtMillis: 1_000 + Int64(index))
        }
        try outbox.enqueue(receiver: "b", id: "msg_b", body: [], createdAtMillis: 900)
        try outbox.markRetry(receiver: "a", id: "msg_a0", nextAttemptAtMillis: 5_000, status: 500, error: "HTTP 500")
        #expect(try outbox.due(receiver: "a", nowMillis: 2_000, limit: 3).map(\.id) == ["msg_a1", "msg_a2", "msg_a3"])
        #expect(try outbox.due(receiver: "a", nowMillis: 5_000, limit: 10).map(\.id) == ["msg_a1", "msg_a2", "msg_a3", "msg_a4", "msg_a0"])
        #expect(try outbox.due(nowMillis: 2_000, limit: 2).map(\.id) == ["msg_b", "msg_a1"])
        #expect(try outbox.nextAttemptMillis(receiver: "a") == 1_001)
    }

    @Test("due messages come normal before low priority, each oldest first; the priority is stored")
    func dueByPriority() throws {
        let outbox = try WebhookOutbox(path: path)
        try outbox.enqueue(receiver: "a", id: "msg_junk1", body: [], createdAtMillis: 1_000, priority: .low)
        try outbox.enqueue(receiver: "a", id: "msg_junk2", body: [], createdAtMillis: 1_001, priority: .low)
        try outbox.enqueue(receiver: "a", id: "msg_hazard", body: [], createdAtMillis: 1_500)
        let due = try outbox.due(receiver: "a", nowMillis: 2_000, limit: 10)
        #expect(due.map(\.id) == ["msg_hazard", "msg_junk1", "msg_junk2"])
        #expect(due.map(\.priority) == [.normal, .low, .low])
    }

    @Test("an outbox file from before priorities opens with its messages kept, all normal")
    func opensVersion1File() throws {
        let database = try SQLiteConnection(path: path)
        try database.execute("""
            CREATE TABLE webhook_messages(
                seq INTEGER PRIMARY KEY, id TEXT NOT NULL, receiver TEXT NOT NULL, body BLOB NOT NULL,
                created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead', 'gone')),
                last_status INTEGER, last_error TEXT, finished_at INTEGER, UNIQUE(receiver, id));
            INSERT INTO webhook_messages(id, receiver, body, created_at, next_attempt_at) VALUES ('msg_old', 'a', x'01', 1000, 1000);
            PRAGMA user_version=1;
            """)
        let outbox = try WebhookOutbox(path: path)
        try outbox.enqueue(receiver: "a", id: "msg_new", body: [2], createdAtMillis: 1_100, priority: .low)
        #expect(try outbox.due(receiver: "a", nowMillis: 2_000, limit: 10).map { "\($0.id) \($0.priority)" } == ["msg_old normal", "msg_new low"])
        #expect(try WebhookOutbox(path: path).depth() == 2, "opening it again changes nothing")
    }

    @Test("claiming counts the attempt and leases the message")
    func claim() throws {
        let outbox = try WebhookOutbox(path: path)
        try outbox.enqueue(receiver: "a", id: "msg_1", body: [], createdAtMillis: 1_000)
        try outbox.claim(receiver: "a", ids: ["msg_1"], leaseUntilMillis: 20_000)
        #expect(try outbox.due(receiver: "a", nowMillis: 19_999, limit: 10).isEmpty)
        let message = try #require(try outbox.due(receiver: "a", nowMillis: 20_000, limit: 10).first)
        #expect(message.attempts == 1)
        try outbox.release(receiver: "a", id: "msg_1", nowMillis: 3_000)
        #expect(try outbox.message(receiver: "a", id: "msg_1")?.nextAttemptAtMillis == 3_000)
    }

    @Test("outcomes are recorded and only pending messages change")
    func outcomes() throws {
        let outbox = try WebhookOutbox(path: path)
        for id in ["msg_1", "msg_2", "msg_3", "msg_4"] {
            try outbox.enqueue(receiver: "a", id: id, body: [], createdAtMillis: 1_000)
        }
        try outbox.enqueue(receiver: "b", id: "msg_5", body: [], createdAtMillis: 1_000)
        #expect(try outbox.markDelivered(receiver: "a", id: "msg_1", status: 204, nowMillis: 2_000))
        #expect(try outbox.markRetry(receiver: "a", id: "msg_2", nextAttemptAtMillis: 9_000, status: 503, error: "HTTP 503"))
        #expect(try outbox.markDead(receiver: "a", id: "msg_2", reason: "expired", status: nil, nowMillis: 3_000))
        #expect(try !outbox.markDelivered(receiver: "a", id: "msg_2", status: 200, nowMillis: 3_500))

        let delivered = try #require(try outbox.message(receiver: "a", id: "msg_1"))
        #expect(delivered.state == .delivered && delivered.lastStatus == 204 && delivered.finishedAtMillis == 2_000)
        let dead = try #require(try outbox.message(receiver: "a", id: "msg_2"))
        #expect(dead.state == .dead && dead.lastError == "expired" && dead.lastStatus == 503)
        #expect(try outbox.message(receiver: "a", id: "msg_3")?.state == .pending)
        #expect(try outbox.message(receiver: "b", id: "msg_5")?.state == .pending)
        #expect(try outbox.depth() == 3)
        #expect(try outbox.count(state: .gone) == 0)
        #expect(try outbox.deadLetters().map(\.id) == ["msg_2"])
        #expect(try outbox.oldestPendingAgeMillis(nowMillis: 6_000) == 5_000)
    }

    @Test("purge keeps pending rows and a bounded, recent history")
    func purge() throws {
        let outbox = try WebhookOutbox(path: path)
        for index in 0..<10 {
            let id = "msg_\(index)"
            try outbox.enqueue(receiver: "a", id: id, body: [], createdAtMillis: 0)
            if index < 8 { try outbox.markDelivered(receiver: "a", id: id, status: 200, nowMillis: Int64(index) * 1_000) }
        }
        // Finished before 2 000 → gone by age (0, 1); then only the newest 4 finished are kept.
        #expect(try outbox.purge(nowMillis: 10_000, retentionMillis: 8_000, keepFinished: 4) == 4)
        #expect(try outbox.recent(state: .delivered, limit: 100).map(\.id) == ["msg_7", "msg_6", "msg_5", "msg_4"])
        #expect(try outbox.depth() == 2)
    }

    @Test("committed rows survive reopening the file")
    func reopen() throws {
        do {
            let outbox = try WebhookOutbox(path: path)
            try outbox.enqueue(receiver: "a", id: "msg_1", body: Array("{\"x\":1}".utf8), createdAtMillis: 1_000)
            try outbox.markRetry(receiver: "a", id: "msg_1", nextAttemptAtMillis: 4_000, status: 500, error: "HTTP 500")
        }
        let reopened = try WebhookOutbox(path: path)
        let message = try #require(try reopened.message(receiver: "a", id: "msg_1"))
        #expect(message.body == Array("{\"x\":1}".utf8))
        #expect(message.nextAttemptAtMillis == 4_000 && message.lastError == "HTTP 500" && message.state == .pending)
    }

    @Test("another process sees a committed row while the writer still holds the file open")
    func visibleToAnotherProcess() async throws {
        let outbox = try WebhookOutbox(path: path)
        try outbox.enqueue(receiver: "a", id: "msg_committed", body: Array("{}".utf8), createdAtMillis: 1_000)
        // The writer never closes or checkpoints: what the reader finds is what a kill -9 now would leave.
        let program = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            print(db.execute("SELECT id, receiver, state, body FROM webhook_messages").fetchall())
            """
        let output = try await ChildProcess.run("python3", ["-c", program, path])
        #expect(output.contains("('msg_committed', 'a', 'pending', b'{}')"))
        #expect(try outbox.depth() == 1)
    }
}
