import Foundation
import Ownership
import Readings
import Rules
import SQLite
import Webhooks

/// The edge's durable alert state (SQLite, WAL), in its own file next to the spool, and its
/// only writer of alert state:
///
/// - `active_alerts`: every firing alert, so a restart gives them back to the rule engine
///   (``RuleEngine/restore(_:)``) instead of forgetting or re-firing them;
/// - `alert_log`: every notification, in order, with whether the core has it (`forwarded`,
///   read and marked by the alert lane, ``AlertForwardLog``);
/// - `webhook_messages`: the webhook outbox (``WebhookOutbox``), which the dispatcher reads;
/// - `commands`: every stop command sent and what became of it, with whether the core has it
///   (`forwarded`, for its alarm audit log).
///
/// A notification, its change to the active set and its outbox rows (one per receiver) are
/// committed in one transaction: a crash leaves all of them or none, so nothing needs
/// repairing at start. The dispatcher and the alert lane read the file on their own connections,
/// as the forwarder reads the spool.
///
/// Used from one task at a time (``AlertService``); not `Sendable`.
final class AlertStore {
    /// A firing alert as stored, with its latest notification body (for the API).
    struct StoredActive: Sendable {
        var alert: ActiveAlert
        var alertID: String
        var severity: String
        var body: [UInt8]
        var receivers: [String]
    }

    let path: String
    let connection: SQLiteConnection
    /// The webhook outbox on this store's connection; nil when the edge has no webhook receivers.
    private let outbox: WebhookOutbox?

    /// - Parameters:
    ///   - reserve: bytes kept allocated in the file and its WAL (see ``reserveSpace(_:)``).
    ///   - queuesWebhooks: whether notifications are queued for their receivers (the edge has
    ///     webhook receivers and a dispatcher reading the outbox).
    init(path: String, reserve: Int = 4 << 20, queuesWebhooks: Bool = true) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        connection = try SQLiteConnection(path: path)
        // FULL, as the webhook outbox and the docs promise: an alert state change survives a
        // power cut, not only a killed process. Alerts are rare, so the fsync costs little.
        try connection.execute("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            PRAGMA wal_autocheckpoint=\(WebhookOutbox.walAutocheckpointPages);
            CREATE TABLE IF NOT EXISTS active_alerts(
                rule TEXT NOT NULL, site TEXT NOT NULL, line TEXT NOT NULL, device TEXT NOT NULL, sensor TEXT NOT NULL,
                since INTEGER NOT NULL, value REAL, last_notified INTEGER, alert_id TEXT NOT NULL, severity TEXT NOT NULL,
                body BLOB NOT NULL, receivers TEXT NOT NULL,
                PRIMARY KEY(rule, site, line, device, sensor));
            CREATE TABLE IF NOT EXISTS alert_log(
                id INTEGER PRIMARY KEY AUTOINCREMENT, alert_id TEXT NOT NULL, kind TEXT NOT NULL, webhook_id TEXT NOT NULL,
                body BLOB NOT NULL, receivers TEXT NOT NULL, created_at INTEGER NOT NULL,
                forwarded INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS alert_log_unforwarded ON alert_log(id) WHERE forwarded = 0;
            CREATE TABLE IF NOT EXISTS commands(
                id INTEGER PRIMARY KEY AUTOINCREMENT, alert_id TEXT NOT NULL, rule TEXT NOT NULL, topic TEXT NOT NULL,
                payload TEXT NOT NULL, qos INTEGER NOT NULL, attempt INTEGER NOT NULL, at INTEGER NOT NULL, result TEXT NOT NULL,
                site TEXT NOT NULL DEFAULT '', line TEXT NOT NULL DEFAULT '', device TEXT NOT NULL DEFAULT '',
                forwarded INTEGER NOT NULL DEFAULT 0);
            """)
        outbox = queuesWebhooks ? try WebhookOutbox(connection: connection) : nil
        try migrateEnqueuedFlag()
        try migrateCommandPlaces()
        try connection.execute("CREATE INDEX IF NOT EXISTS commands_unforwarded ON commands(id) WHERE forwarded = 0")
        try reserveSpace(reserve)
    }

    /// Files written before the outbox rows went into the notification's own transaction have
    /// an `enqueued` flag: what a crash left unqueued is queued now, and the flag goes.
    private func migrateEnqueuedFlag() throws {
        guard try connection.scalarInt("SELECT count(*) FROM pragma_table_info('alert_log') WHERE name = 'enqueued'") > 0 else { return }
        try connection.transaction {
            let query = try connection.prepare("SELECT webhook_id, body, receivers, created_at FROM alert_log WHERE enqueued = 0 ORDER BY id")
            while try query.step() {
                try queue(
                    webhookID: query.string(at: 0), body: query.blob(at: 1), receivers: Self.receivers(query.string(at: 2)),
                    atMillis: query.int64(at: 3), priority: .normal)
            }
            query.reset()  // its read lock would keep the table from being altered
            try connection.execute("DROP INDEX IF EXISTS alert_log_pending; ALTER TABLE alert_log DROP COLUMN enqueued")
        }
    }

    /// Files written before stop commands went to the core's audit log have no place and no
    /// `forwarded` flag on their commands: the columns are added, and the old rows count as
    /// forwarded (without a site, the core could not file them).
    private func migrateCommandPlaces() throws {
        guard try connection.scalarInt("SELECT count(*) FROM pragma_table_info('commands') WHERE name = 'forwarded'") == 0 else { return }
        try connection.transaction {
            try connection.execute("""
                ALTER TABLE commands ADD COLUMN site TEXT NOT NULL DEFAULT '';
                ALTER TABLE commands ADD COLUMN line TEXT NOT NULL DEFAULT '';
                ALTER TABLE commands ADD COLUMN device TEXT NOT NULL DEFAULT '';
                ALTER TABLE commands ADD COLUMN forwarded INTEGER NOT NULL DEFAULT 0;
                UPDATE commands SET forwarded = 1;
                """)
        }
    }

    /// Makes sure `bytes` are allocated to this file and its WAL, so alert state, the webhook
    /// outbox and the forwarder's marks can still be written when the disk (shared with the
    /// spool, by default) is full: a blob of that size is written and deleted once, which leaves
    /// free pages in the database and a WAL of at least that size, both reused rather than grown
    /// (no auto-vacuum; the WAL is never truncated, `journal_size_limit` is -1 on every
    /// connection to this file, and every connection checkpoints after 64 pages, so the WAL
    /// restarts from its beginning long before it would outgrow the reserve). Done at every
    /// start: closing the last connection removes the WAL.
    func reserveSpace(_ bytes: Int) throws {
        guard bytes > 0 else { return }
        let pageSize = try connection.scalarInt("PRAGMA page_size")
        let free = try connection.scalarInt("PRAGMA freelist_count") * pageSize
        let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        guard free < bytes || wal < bytes else { return }
        try connection.transaction {
            try connection.execute("CREATE TABLE IF NOT EXISTS space_reserve(data BLOB)")
            try connection.execute("INSERT INTO space_reserve VALUES (zeroblob(\(bytes)))")
        }
        try connection.execute("DELETE FROM space_reserve")
    }

    /// Records one notification, its effect on the active set and its webhook outbox rows, in
    /// one transaction; returns the log row id.
    /// - Parameters:
    ///   - receivers: who this notification is queued for.
    ///   - activeReceivers: who heard the alarm fire, kept in the active set so that its resolve
    ///     reaches them after a restart or takeover; `receivers` when nil. They differ for a repeat
    ///     while shelved: it goes to nobody, but the receivers that heard the firing still wait
    ///     for the resolve.
    @discardableResult
    func record(_ alert: EdgeAlert, body: [UInt8], receivers: [String], activeReceivers: [String]? = nil) throws -> Int64 {
        let event = alert.event
        return try connection.transaction {
            let id = try insertNotification(
                alertID: event.alertID, kind: event.kind.rawValue, webhookID: AlertNotification.webhookID(event), body: body,
                receivers: receivers, atMillis: event.atMillis, priority: alert.priority)
            switch event.kind {
            case .firing, .repeat:
                let upsert = try connection.prepare("""
                    INSERT INTO active_alerts(rule, site, line, device, sensor, since, value, last_notified, alert_id, severity, body, receivers)
                    VALUES(?,?,?,?,?,?,?,?,?,?,?,?)
                    ON CONFLICT(rule, site, line, device, sensor) DO UPDATE SET
                        since=excluded.since, value=excluded.value, last_notified=excluded.last_notified,
                        alert_id=excluded.alert_id, severity=excluded.severity, body=excluded.body, receivers=excluded.receivers
                    """)
                try bindKey(upsert, rule: event.rule, site: event.site, line: event.line, device: event.device, sensor: event.sensor)
                try upsert.bind(event.startedAtMillis, at: 6)
                if event.value.isFinite { try upsert.bind(event.value, at: 7) } else { try upsert.bindNull(at: 7) }
                try upsert.bind(event.atMillis, at: 8)
                try upsert.bind(event.alertID, at: 9)
                try upsert.bind(event.severity.rawValue, at: 10)
                try upsert.bind(blob: body, at: 11)
                try upsert.bind((activeReceivers ?? receivers).joined(separator: ","), at: 12)
                try upsert.run()
            case .resolved:
                try deleteActive(rule: event.rule, site: event.site, line: event.line, device: event.device, sensor: event.sensor)
            }
            return id
        }
    }

    /// Replaces the rule alerts of the active set with `adopted` (this edge took the site's
    /// session over, with the previous active's firing alerts), in one transaction; the edge's own
    /// system alerts stay. Nothing is logged: no notification is sent for an adopted alert.
    func replaceActive(with adopted: [HandedOverAlert]) throws {
        try connection.transaction {
            try connection.execute("DELETE FROM active_alerts WHERE substr(rule, 1, \(SystemAlert.prefix.count)) <> '\(SystemAlert.prefix)'")
            let insert = try connection.prepare("""
                INSERT OR REPLACE INTO active_alerts(rule, site, line, device, sensor, since, value, last_notified, alert_id, severity, body, receivers)
                VALUES(?,?,?,?,?,?,?,?,?,?,?,?)
                """)
            for alert in adopted where !SystemAlert.isSystem(rule: alert.rule) {
                try bindKey(insert, rule: alert.rule, site: alert.site, line: alert.line, device: alert.device, sensor: alert.sensor)
                try insert.bind(alert.sinceMillis, at: 6)
                if let value = alert.value { try insert.bind(value, at: 7) } else { try insert.bindNull(at: 7) }
                try insert.bind(alert.lastNotifiedMillis, at: 8)
                try insert.bind(alert.alertID, at: 9)
                try insert.bind(alert.severity, at: 10)
                try insert.bind(blob: Array(alert.notification.utf8), at: 11)
                try insert.bind(alert.receivers.joined(separator: ","), at: 12)
                try insert.run()
            }
        }
    }

    /// Records the resolve the edge made itself for a firing alert whose rule was removed: the
    /// alert leaves the active set, its notification is logged and queued, in one transaction.
    /// - Returns: the log row id.
    @discardableResult
    func recordResolved(_ orphan: StoredActive, webhookID: String, body: [UInt8], atMillis: Int64) throws -> Int64 {
        try connection.transaction {
            let a = orphan.alert
            try deleteActive(rule: a.rule, site: a.site, line: a.line, device: a.device, sensor: a.sensor)
            return try insertNotification(
                alertID: orphan.alertID, kind: "resolved", webhookID: webhookID, body: body, receivers: orphan.receivers,
                atMillis: atMillis, priority: .normal)
        }
    }

    private func deleteActive(rule: String, site: String, line: String, device: String, sensor: String) throws {
        let delete = try connection.prepare("DELETE FROM active_alerts WHERE rule=? AND site=? AND line=? AND device=? AND sensor=?")
        try bindKey(delete, rule: rule, site: site, line: line, device: device, sensor: sensor)
        try delete.run()
    }

    /// The log row and the outbox rows of one notification (inside the caller's transaction).
    private func insertNotification(
        alertID: String, kind: String, webhookID: String, body: [UInt8], receivers: [String], atMillis: Int64,
        priority: WebhookPriority
    ) throws -> Int64 {
        let log = try connection.prepare(
            "INSERT INTO alert_log(alert_id, kind, webhook_id, body, receivers, created_at) VALUES(?,?,?,?,?,?)")
        try log.bind(alertID, at: 1)
        try log.bind(kind, at: 2)
        try log.bind(webhookID, at: 3)
        try log.bind(blob: body, at: 4)
        try log.bind(receivers.joined(separator: ","), at: 5)
        try log.bind(atMillis, at: 6)
        try log.run()
        let id = try connection.scalarInt("SELECT last_insert_rowid()")
        try queue(webhookID: webhookID, body: body, receivers: receivers, atMillis: atMillis, priority: priority)
        return id
    }

    /// One outbox row per receiver (idempotent: an express attempt may have made it already).
    private func queue(webhookID: String, body: [UInt8], receivers: [String], atMillis: Int64, priority: WebhookPriority) throws {
        guard let outbox else { return }
        for receiver in receivers {
            try outbox.enqueue(receiver: receiver, id: webhookID, body: body, createdAtMillis: atMillis, priority: priority)
        }
    }

    private static func receivers(_ column: String) -> [String] {
        column.split(separator: ",").map(String.init)
    }

    /// Records one publish attempt of a rule's MQTT action, or what became of it; the alert
    /// lane forwards it to the core's audit log (``AlertForwardLog``).
    func record(command: CommandAttempt) throws {
        let insert = try connection.prepare("""
            INSERT INTO commands(alert_id, rule, site, line, device, topic, payload, qos, attempt, at, result, forwarded)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
            """)
        try insert.bind(command.alertID, at: 1)
        try insert.bind(command.rule, at: 2)
        try insert.bind(command.site, at: 3)
        try insert.bind(command.line, at: 4)
        try insert.bind(command.device, at: 5)
        try insert.bind(command.topic, at: 6)
        try insert.bind(command.payload, at: 7)
        try insert.bind(command.qos, at: 8)
        try insert.bind(command.attempt, at: 9)
        try insert.bind(command.atMillis, at: 10)
        try insert.bind(command.result, at: 11)
        try insert.bind(command.isAudited ? 0 : 1, at: 12)  // a repeated failure stays here (``CommandAttempt/isAudited``)
        try insert.run()
    }

    /// The columns of a ``CommandAttempt``, in the order ``commandAttempt(_:from:)`` reads them.
    static let commandColumns = "alert_id, rule, site, line, device, topic, payload, qos, attempt, at, result"

    /// The record in `query`'s columns `first` … `first + 10` (``commandColumns``).
    static func commandAttempt(_ query: SQLiteStatement, from first: Int32 = 0) -> CommandAttempt {
        CommandAttempt(
            alertID: query.string(at: first), rule: query.string(at: first + 1), site: query.string(at: first + 2),
            line: query.string(at: first + 3), device: query.string(at: first + 4), topic: query.string(at: first + 5),
            payload: query.string(at: first + 6), qos: Int(query.int64(at: first + 7)), attempt: Int(query.int64(at: first + 8)),
            atMillis: query.int64(at: first + 9), result: query.string(at: first + 10))
    }

    /// The newest command attempts, newest first.
    func commands(limit: Int) throws -> [CommandAttempt] {
        let query = try connection.prepare("SELECT \(Self.commandColumns) FROM commands ORDER BY id DESC LIMIT ?")
        try query.bind(limit, at: 1)
        var out: [CommandAttempt] = []
        while try query.step() { out.append(Self.commandAttempt(query)) }
        return out
    }

    /// Every firing alert, oldest first.
    func active() throws -> [StoredActive] {
        let query = try connection.prepare("""
            SELECT rule, site, line, device, sensor, since, value, last_notified, alert_id, severity, body, receivers
            FROM active_alerts ORDER BY since
            """)
        var rows: [StoredActive] = []
        while try query.step() {
            let alert = ActiveAlert(
                rule: query.string(at: 0), site: query.string(at: 1), line: query.string(at: 2), device: query.string(at: 3),
                sensor: query.string(at: 4), state: .firing, sinceMillis: query.int64(at: 5),
                value: query.isNull(at: 6) ? .nan : query.double(at: 6),
                lastNotifiedMillis: query.isNull(at: 7) ? nil : query.int64(at: 7))
            rows.append(StoredActive(
                alert: alert, alertID: query.string(at: 8), severity: query.string(at: 9), body: query.blob(at: 10),
                receivers: Self.receivers(query.string(at: 11))))
        }
        return rows
    }

    /// The newest notifications, newest first (for `/api/v1/alerts?status=resolved`).
    func recent(limit: Int) throws -> [[UInt8]] {
        let query = try connection.prepare("SELECT body FROM alert_log ORDER BY id DESC LIMIT ?")
        try query.bind(limit, at: 1)
        var bodies: [[UInt8]] = []
        while try query.step() { bodies.append(query.blob(at: 0)) }
        return bodies
    }

    /// Drops log rows older than `millis` (when the edge forwards to a core, only those the core
    /// has); returns how many. The outbox keeps its own history (``WebhookOutbox/purge``).
    @discardableResult
    func purge(olderThan millis: Int64, requireForwarded: Bool) throws -> Int {
        let delete = try connection.prepare(
            "DELETE FROM alert_log WHERE created_at < ?\(requireForwarded ? " AND forwarded = 1" : "")")
        try delete.bind(millis, at: 1)
        try delete.run()
        let purged = connection.changes
        let commands = try connection.prepare("DELETE FROM commands WHERE at < ?\(requireForwarded ? " AND forwarded = 1" : "")")
        try commands.bind(millis, at: 1)
        try commands.run()
        return purged
    }

    private func bindKey(_ statement: SQLiteStatement, rule: String, site: String, line: String, device: String, sensor: String) throws {
        try statement.bind(rule, at: 1)
        try statement.bind(site, at: 2)
        try statement.bind(line, at: 3)
        try statement.bind(device, at: 4)
        try statement.bind(sensor, at: 5)
    }
}
