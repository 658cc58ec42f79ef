import SQLite
import Webhooks

/// The alert lane's view of `alerts.db`: notifications not yet forwarded to the core, oldest
/// first, and marking them forwarded. Its own connection (WAL), apart from the alert service's,
/// so forwarding never waits for the alert service and the other way round.
///
/// Used by one task at a time (the alert lane); not `Sendable`.
final class AlertForwardLog {
    struct Row: Sendable, Equatable {
        var id: Int64
        var body: [UInt8]
    }

    private let connection: SQLiteConnection
    private let selectPending: SQLiteStatement
    private let markForwarded: SQLiteStatement

    /// Opens `path`, which ``AlertStore`` has created (with its `alert_log` table).
    init(path: String) throws {
        connection = try SQLiteConnection(path: path, mode: .readWrite)
        // As every connection to alerts.db: see ``AlertStore/reserveSpace(_:)``.
        try connection.execute("PRAGMA wal_autocheckpoint=\(WebhookOutbox.walAutocheckpointPages)")
        selectPending = try connection.prepare("SELECT id, body FROM alert_log WHERE forwarded = 0 ORDER BY id LIMIT ?")
        markForwarded = try connection.prepare("UPDATE alert_log SET forwarded = 1 WHERE id = ?")
    }

    /// Notifications not yet acknowledged by the core, oldest first.
    func pending(limit: Int) throws -> [Row] {
        try selectPending.bind(limit, at: 1)
        defer { selectPending.reset() }
        var rows: [Row] = []
        while try selectPending.step() {
            rows.append(Row(id: selectPending.int64(at: 0), body: selectPending.blob(at: 1)))
        }
        return rows
    }

    func pendingCount() throws -> Int64 {
        try connection.scalarInt("SELECT count(*) FROM alert_log WHERE forwarded = 0")
    }

    func markForwarded(_ ids: [Int64]) throws {
        guard !ids.isEmpty else { return }
        try connection.transaction {
            for id in ids {
                try markForwarded.bind(id, at: 1)
                defer { markForwarded.reset() }
                try markForwarded.run()
            }
        }
    }
}
