import Readings
import SQLite
import Webhooks

/// The alert lane's view of `alerts.db`: notifications and stop-command records not yet
/// forwarded to the core, oldest first, and marking them forwarded. Its own connection (WAL),
/// apart from the alert service's, so forwarding never waits for the alert service and the
/// other way round.
///
/// Used by one task at a time (the alert lane); not `Sendable`.
final class AlertForwardLog {
    struct Row: Sendable, Equatable {
        var id: Int64
        var body: [UInt8]
    }

    struct CommandRow: Sendable, Equatable {
        var id: Int64
        var command: CommandAttempt
    }

    /// What the next post carries: notifications first, then commands, in the order they were
    /// recorded. Items recorded later can come before an earlier command (a notification goes
    /// first): while the lane sends a refused post's items one at a time, it reads only up to
    /// that post's last rows (``Bound``), so the items it counts are the refused post's.
    struct Pending: Sendable, Equatable {
        var notices: [Row] = []
        var commands: [CommandRow] = []

        var count: Int { notices.count + commands.count }
        var isEmpty: Bool { notices.isEmpty && commands.isEmpty }
    }

    /// The last rows of a post: reads up to them leave out everything recorded after it.
    struct Bound: Sendable, Equatable {
        var notice: Int64
        var command: Int64
    }

    private let connection: SQLiteConnection
    private let selectPending: SQLiteStatement
    private let selectPendingCommands: SQLiteStatement
    private let markForwarded: SQLiteStatement
    private let markCommandForwarded: SQLiteStatement

    /// Opens `path`, which ``AlertStore`` has created (with its `alert_log` and `commands` tables).
    init(path: String) throws {
        connection = try SQLiteConnection(path: path, mode: .readWrite)
        // As every connection to alerts.db: see ``AlertStore/reserveSpace(_:)``.
        try connection.execute("PRAGMA wal_autocheckpoint=\(WebhookOutbox.walAutocheckpointPages)")
        selectPending = try connection.prepare("SELECT id, body FROM alert_log WHERE forwarded = 0 AND id <= ? ORDER BY id LIMIT ?")
        selectPendingCommands = try connection.prepare(
            "SELECT id, \(AlertStore.commandColumns) FROM commands WHERE forwarded = 0 AND id <= ? ORDER BY id LIMIT ?")
        markForwarded = try connection.prepare("UPDATE alert_log SET forwarded = 1 WHERE id = ?")
        markCommandForwarded = try connection.prepare("UPDATE commands SET forwarded = 1 WHERE id = ?")
    }

    /// At most `limit` items not yet acknowledged by the core: notifications oldest first, then
    /// (with the room left, and when `commands`) command records oldest first; none past `bound`.
    func pending(limit: Int, commands: Bool = true, upTo bound: Bound? = nil) throws -> Pending {
        var pending = Pending()
        try selectPending.bind(bound?.notice ?? .max, at: 1)
        try selectPending.bind(limit, at: 2)
        defer { selectPending.reset() }
        while try selectPending.step() {
            pending.notices.append(Row(id: selectPending.int64(at: 0), body: selectPending.blob(at: 1)))
        }
        let room = limit - pending.notices.count
        guard commands, room > 0 else { return pending }
        try selectPendingCommands.bind(bound?.command ?? .max, at: 1)
        try selectPendingCommands.bind(room, at: 2)
        defer { selectPendingCommands.reset() }
        while try selectPendingCommands.step() {
            pending.commands.append(CommandRow(
                id: selectPendingCommands.int64(at: 0), command: AlertStore.commandAttempt(selectPendingCommands, from: 1)))
        }
        return pending
    }

    /// Notifications and command records not yet acknowledged by the core.
    func pendingCount() throws -> Int64 {
        try connection.scalarInt("SELECT (SELECT count(*) FROM alert_log WHERE forwarded = 0) + (SELECT count(*) FROM commands WHERE forwarded = 0)")
    }

    func markForwarded(_ ids: [Int64], commands: [Int64] = []) throws {
        guard !ids.isEmpty || !commands.isEmpty else { return }
        try connection.transaction {
            for id in ids {
                try markForwarded.bind(id, at: 1)
                defer { markForwarded.reset() }
                try markForwarded.run()
            }
            for id in commands {
                try markCommandForwarded.bind(id, at: 1)
                defer { markCommandForwarded.reset() }
                try markCommandForwarded.run()
            }
        }
    }
}
