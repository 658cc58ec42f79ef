import Foundation
public import SQLite

/// The durable webhook outbox: messages wait here, in a SQLite file in WAL mode, until they are
/// delivered, given up on, or their receiver is gone.
///
/// One `WebhookOutbox` owns one connection and is used by one thread or task at a time; it is
/// deliberately not `Sendable` (the ``WebhookDispatcher`` actor owns one). Another part of the
/// process, or another process, that wants to enqueue opens its own `WebhookOutbox` on the same
/// file and then calls ``WebhookDispatcher/notify()``: WAL lets readers and one writer work at once.
///
/// Every change is its own committed transaction, so a row that `enqueue` returned for survives
/// a `kill -9` of the process (and, with `.full` synchronous, a power cut).
///
/// ```swift
/// let outbox = try WebhookOutbox(path: "/var/lib/haetae/webhooks.db")
/// try outbox.enqueue(receiver: "oncall", id: WebhookMessageID.make(createdAtMillis: now), body: body, createdAtMillis: now)
/// ```
public final class WebhookOutbox {
    /// How hard SQLite syncs: `.full` survives power loss, `.normal` only process crashes.
    public enum Synchronous: Sendable {
        case normal
        case full
    }

    /// The database file.
    public let path: String
    let database: SQLiteConnection

    private let insert: SQLiteStatement
    private let selectDue: SQLiteStatement
    private let claimOne: SQLiteStatement
    private let finish: SQLiteStatement
    private let retry: SQLiteStatement
    private let release: SQLiteStatement
    private let selectOne: SQLiteStatement
    private let nextDue: SQLiteStatement

    /// WAL pages after which each connection to an alert file checkpoints (256 KiB at 4 KiB pages).
    public static let walAutocheckpointPages = 64

    /// Opens (creating if needed) the outbox at `path`; its directory is created too.
    /// - Parameter synchronous: `.full` by default: alerts are few, and each should survive power loss.
    public convenience init(path: String, synchronous: Synchronous = .full) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let database = try SQLiteConnection(path: path)
        try database.execute("PRAGMA journal_mode=WAL")
        try database.execute("PRAGMA synchronous=\(synchronous == .full ? "FULL" : "NORMAL")")
        // Checkpoint small and often: the edge keeps space reserved inside this file and its
        // WAL (`alerts.reserve`), which is only reused if the WAL restarts before outgrowing it.
        try database.execute("PRAGMA wal_autocheckpoint=\(Self.walAutocheckpointPages)")
        try self.init(connection: database)
    }

    /// The outbox in the file `connection` has open, on that connection (creating its table if
    /// needed): its owner keeps the connection's settings, and may enqueue inside its own
    /// transactions, so a message is committed with the change that caused it (the edge's alert
    /// store records an alert's state change, its notification and its outbox rows at once).
    public init(connection database: SQLiteConnection) throws {
        self.path = database.path
        self.database = database
        try database.execute(WebhookOutboxSchema.statements)
        // Under the write lock, so two connections opening a version-1 file at once add it once.
        try database.transaction {
            if try database.scalarInt("SELECT count(*) FROM pragma_table_info('webhook_messages') WHERE name = 'priority'") == 0 {
                try database.execute(WebhookOutboxSchema.addPriority)
            }
        }
        try database.execute("PRAGMA user_version=\(WebhookOutboxSchema.version)")

        insert = try database.prepare(
            "INSERT OR IGNORE INTO webhook_messages(id, receiver, body, created_at, next_attempt_at, priority) VALUES (?, ?, ?, ?, ?, ?)")
        selectDue = try database.prepare(
            "SELECT \(WebhookOutboxSchema.columns) FROM webhook_messages WHERE state = 'pending' AND receiver = ? AND next_attempt_at <= ? ORDER BY priority, next_attempt_at, seq LIMIT ?")
        claimOne = try database.prepare(
            "UPDATE webhook_messages SET attempts = attempts + 1, next_attempt_at = ? WHERE receiver = ? AND id = ? AND state = 'pending'")
        finish = try database.prepare(
            "UPDATE webhook_messages SET state = ?, last_status = coalesce(?, last_status), last_error = ?, finished_at = ? WHERE receiver = ? AND id = ? AND state = 'pending'")
        retry = try database.prepare(
            "UPDATE webhook_messages SET next_attempt_at = ?, last_status = ?, last_error = ? WHERE receiver = ? AND id = ? AND state = 'pending'")
        release = try database.prepare(
            "UPDATE webhook_messages SET next_attempt_at = ? WHERE receiver = ? AND id = ? AND state = 'pending'")
        selectOne = try database.prepare(
            "SELECT \(WebhookOutboxSchema.columns) FROM webhook_messages WHERE receiver = ? AND id = ?")
        nextDue = try database.prepare(
            "SELECT min(next_attempt_at) FROM webhook_messages WHERE state = 'pending' AND receiver = ?")
    }

    /// Adds a message for `receiver`, due at once. Idempotent on (receiver, id): enqueuing the same
    /// id again for the same receiver changes nothing (the first body wins), so a caller that is
    /// unsure whether its enqueue committed can simply repeat it. The same id may go to several
    /// receivers, as the spec intends (each receiver deduplicates on its own).
    /// - Parameter priority: where it goes among due messages (``WebhookPriority``).
    /// - Returns: whether a new row was added.
    @discardableResult
    public func enqueue(
        receiver: String, id: String, body: [UInt8], createdAtMillis: Int64, priority: WebhookPriority = .normal
    ) throws -> Bool {
        try insert.bind(id, at: 1)
        try insert.bind(receiver, at: 2)
        try insert.bind(blob: body, at: 3)
        try insert.bind(createdAtMillis, at: 4)
        try insert.bind(createdAtMillis, at: 5)
        try insert.bind(priority.rawValue, at: 6)
        try insert.run()
        return changedRows() > 0
    }

    /// Pending messages of `receiver` whose next attempt is due: normal before low priority, each
    /// oldest due first.
    public func due(receiver: String, nowMillis: Int64, limit: Int) throws -> [WebhookOutboxMessage] {
        guard limit > 0 else { return [] }
        defer { selectDue.reset() }
        try selectDue.bind(receiver, at: 1)
        try selectDue.bind(nowMillis, at: 2)
        try selectDue.bind(limit, at: 3)
        var messages: [WebhookOutboxMessage] = []
        while try selectDue.step() { messages.append(message(from: selectDue)) }
        return messages
    }

    /// Pending messages of every receiver whose next attempt is due, oldest due first.
    public func due(nowMillis: Int64, limit: Int) throws -> [WebhookOutboxMessage] {
        let statement = try database.prepare(
            "SELECT \(WebhookOutboxSchema.columns) FROM webhook_messages WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, seq LIMIT ?")
        try statement.bind(nowMillis, at: 1)
        try statement.bind(limit, at: 2)
        var messages: [WebhookOutboxMessage] = []
        while try statement.step() { messages.append(message(from: statement)) }
        return messages
    }

    /// Marks attempts as started, in one transaction: counts them and pushes their next attempt to
    /// `leaseUntilMillis`, so a crash mid-request retries them after the lease instead of never.
    public func claim(receiver: String, ids: [String], leaseUntilMillis: Int64) throws {
        guard !ids.isEmpty else { return }
        try database.transaction {
            for id in ids {
                try claimOne.bind(leaseUntilMillis, at: 1)
                try claimOne.bind(receiver, at: 2)
                try claimOne.bind(id, at: 3)
                try claimOne.run()
            }
        }
    }

    /// Records a 2xx.
    /// - Returns: whether the message was pending (a message already marked gone stays gone).
    @discardableResult
    public func markDelivered(receiver: String, id: String, status: Int, nowMillis: Int64) throws -> Bool {
        try finish(receiver: receiver, id: id, state: .delivered, status: status, error: nil, nowMillis: nowMillis)
    }

    /// Schedules another attempt, keeping why this one failed.
    /// - Returns: whether the message was pending.
    @discardableResult
    public func markRetry(receiver: String, id: String, nextAttemptAtMillis: Int64, status: Int?, error: String) throws -> Bool {
        try retry.bind(nextAttemptAtMillis, at: 1)
        if let status { try retry.bind(status, at: 2) } else { try retry.bindNull(at: 2) }
        try retry.bind(error, at: 3)
        try retry.bind(receiver, at: 4)
        try retry.bind(id, at: 5)
        try retry.run()
        return changedRows() > 0
    }

    /// Makes a claimed message due again at `nowMillis` without recording a failure (used when
    /// the dispatcher stops with the attempt in flight).
    public func release(receiver: String, id: String, nowMillis: Int64) throws {
        try release.bind(nowMillis, at: 1)
        try release.bind(receiver, at: 2)
        try release.bind(id, at: 3)
        try release.run()
    }

    /// Gives up on a message (a dead letter), with the reason (`"HTTP 400"`, `"expired"`, …);
    /// a nil `status` keeps the last one recorded.
    /// - Returns: whether the message was pending.
    @discardableResult
    public func markDead(receiver: String, id: String, reason: String, status: Int?, nowMillis: Int64) throws -> Bool {
        try finish(receiver: receiver, id: id, state: .dead, status: status, error: reason, nowMillis: nowMillis)
    }

    /// One message, in any state.
    public func message(receiver: String, id: String) throws -> WebhookOutboxMessage? {
        defer { selectOne.reset() }
        try selectOne.bind(receiver, at: 1)
        try selectOne.bind(id, at: 2)
        return try selectOne.step() ? message(from: selectOne) : nil
    }

    /// The earliest next attempt among `receiver`'s pending messages (claimed ones included).
    public func nextAttemptMillis(receiver: String) throws -> Int64? {
        defer { nextDue.reset() }
        try nextDue.bind(receiver, at: 1)
        guard try nextDue.step(), !nextDue.isNull(at: 0) else { return nil }
        return nextDue.int64(at: 0)
    }

    private func finish(
        receiver: String, id: String, state: WebhookOutboxMessage.State, status: Int?, error: String?, nowMillis: Int64
    ) throws -> Bool {
        try finish.bind(state.rawValue, at: 1)
        if let status { try finish.bind(status, at: 2) } else { try finish.bindNull(at: 2) }
        if let error { try finish.bind(error, at: 3) } else { try finish.bindNull(at: 3) }
        try finish.bind(nowMillis, at: 4)
        try finish.bind(receiver, at: 5)
        try finish.bind(id, at: 6)
        try finish.run()
        return changedRows() > 0
    }

    func message(from row: SQLiteStatement) -> WebhookOutboxMessage {
        WebhookOutboxMessage(
            id: row.string(at: 0), receiver: row.string(at: 1), body: row.blob(at: 2),
            createdAtMillis: row.int64(at: 3), attempts: Int(row.int64(at: 4)), nextAttemptAtMillis: row.int64(at: 5),
            state: WebhookOutboxMessage.State(rawValue: row.string(at: 6)) ?? .pending,
            lastStatus: row.isNull(at: 7) ? nil : Int(row.int64(at: 7)),
            lastError: row.isNull(at: 8) ? nil : row.string(at: 8),
            finishedAtMillis: row.isNull(at: 9) ? nil : row.int64(at: 9),
            priority: WebhookPriority(rawValue: Int(row.int64(at: 10))) ?? .normal)
    }

    private func changedRows() -> Int {
        Int((try? database.scalarInt("SELECT changes()")) ?? 0)
    }
}
