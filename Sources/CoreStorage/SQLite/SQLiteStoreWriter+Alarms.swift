import Readings
import SQLite

extension SQLiteStoreWriter {
    /// ``ReadingStore/record(_:)``: the change and its audit entry in one transaction.
    func record(_ request: AlarmActionRequest) throws -> AlarmActionOutcome {
        let db = try opened().connection
        return try db.transaction { () throws -> AlarmActionOutcome in
            var point = request.action.place
            switch request.action {
            case .acknowledge(let alertID):
                let alert = try db.prepare(
                    "SELECT rule, site, line, device, sensor FROM alerts WHERE alert_id = ?1 ORDER BY at DESC LIMIT 1")
                try alert.bind(alertID, at: 1)
                guard try alert.step() else { return .unknownAlert }
                point = AlarmPoint(
                    rule: alert.string(at: 0), site: alert.string(at: 1), line: alert.string(at: 2), device: alert.string(at: 3),
                    sensor: alert.string(at: 4))
                let existing = try db.prepare("SELECT actor, at FROM alarm_acks WHERE alert_id = ?1")
                try existing.bind(alertID, at: 1)
                if try existing.step() { return .alreadyAcknowledged(by: existing.string(at: 0), atMillis: existing.int64(at: 1)) }
                let insert = try db.prepare("INSERT INTO alarm_acks(alert_id, actor, at, comment) VALUES (?1, ?2, ?3, ?4)")
                try insert.bind(alertID, at: 1)
                try insert.bind(request.user, at: 2)
                try insert.bind(request.atMillis, at: 3)
                try insert.bind(request.comment, at: 4)
                try insert.run()
            case .shelve(let shelved, let until):
                let upsert = try db.prepare("""
                    INSERT INTO alarm_shelves(rule, site, line, device, sensor, actor, at, until, comment)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                    ON CONFLICT(site, rule, line, device, sensor) DO UPDATE SET
                        actor = excluded.actor, at = excluded.at, until = excluded.until, comment = excluded.comment
                    """)
                try Self.bind(shelved, to: upsert)
                try upsert.bind(request.user, at: 6)
                try upsert.bind(request.atMillis, at: 7)
                try upsert.bind(until, at: 8)
                try upsert.bind(request.comment, at: 9)
                try upsert.run()
            case .unshelve(let shelved):
                let delete = try db.prepare(
                    "DELETE FROM alarm_shelves WHERE rule = ?1 AND site = ?2 AND line = ?3 AND device = ?4 AND sensor = ?5 AND until > ?6")
                try Self.bind(shelved, to: delete)
                try delete.bind(request.atMillis, at: 6)
                try delete.run()
                guard db.changes > 0 else { return .notShelved }
            case .removeFromService(let scope):
                let insert = try db.prepare("""
                    INSERT INTO alarm_out_of_service(site, line, device, actor, at, comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                    ON CONFLICT DO NOTHING
                    """)
                try Self.bind(scope, to: insert)
                try insert.bind(request.user, at: 4)
                try insert.bind(request.atMillis, at: 5)
                try insert.bind(request.comment, at: 6)
                try insert.run()
                guard db.changes > 0 else { return .alreadyOutOfService }
            case .returnToService(let scope):
                let delete = try db.prepare("DELETE FROM alarm_out_of_service WHERE site = ?1 AND line = ?2 AND device = ?3")
                try Self.bind(scope, to: delete)
                try delete.run()
                guard db.changes > 0 else { return .notOutOfService }
            }
            try Self.insert(AlarmAuditEntry(request, point: point!), using: try Self.prepareAuditInsert(db))
            return .done
        }
    }

    /// ``ReadingStore/ingest(commands:edge:)``: each record once, by its key.
    func ingest(commands: [CommandAttempt], edge: String) throws -> Int {
        guard !commands.isEmpty else { return 0 }
        let db = try opened().connection
        return try db.transaction { () throws -> Int in
            let claim = try db.prepare("INSERT INTO alarm_command_keys(edge, key) VALUES (?1, ?2) ON CONFLICT DO NOTHING")
            let audit = try Self.prepareAuditInsert(db)
            var stored = 0
            for command in commands {
                try claim.bind(edge, at: 1)
                try claim.bind(command.key, at: 2)
                try claim.run()
                claim.reset()
                guard db.changes > 0 else { continue }
                try Self.insert(AlarmAuditEntry(command: command, edge: edge), using: audit)
                stored += 1
            }
            return stored
        }
    }

    private static func prepareAuditInsert(_ db: SQLiteConnection) throws -> SQLiteStatement {
        try db.prepare("""
            INSERT INTO alarm_audit(at, actor, action, alert_id, rule, site, line, device, sensor, comment, until)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            """)
    }

    private static func insert(_ entry: AlarmAuditEntry, using audit: SQLiteStatement) throws {
        defer { audit.reset() }
        try audit.bind(entry.atMillis, at: 1)
        try audit.bind(entry.user, at: 2)
        try audit.bind(entry.action, at: 3)
        try audit.bind(entry.alertID, at: 4)
        try audit.bind(entry.rule, at: 5)
        try audit.bind(entry.site, at: 6)
        try audit.bind(entry.line, at: 7)
        try audit.bind(entry.device, at: 8)
        try audit.bind(entry.sensor, at: 9)
        try audit.bind(entry.comment, at: 10)
        if let until = entry.untilMillis { try audit.bind(until, at: 11) } else { try audit.bindNull(at: 11) }
        try audit.run()
    }

    private static func bind(_ point: AlarmPoint, to statement: SQLiteStatement) throws {
        try statement.bind(point.rule, at: 1)
        try statement.bind(point.site, at: 2)
        try statement.bind(point.line, at: 3)
        try statement.bind(point.device, at: 4)
        try statement.bind(point.sensor, at: 5)
    }

    private static func bind(_ scope: ServiceScope, to statement: SQLiteStatement) throws {
        try statement.bind(scope.site, at: 1)
        try statement.bind(scope.line, at: 2)
        try statement.bind(scope.device, at: 3)
    }
}
