import Readings
import SQLite

extension SQLiteStoreReader {
    func suppressions(site: String?, nowMillis: Int64) throws -> AlarmSuppressions {
        try snapshot { db in
            let shelves = try db.prepare("""
                SELECT rule, site, line, device, sensor, actor, at, until, comment FROM alarm_shelves
                WHERE (?1 IS NULL OR site = ?1) AND until > ?2 ORDER BY at, site, rule, line, device, sensor
                """)
            if let site { try shelves.bind(site, at: 1) } else { try shelves.bindNull(at: 1) }
            try shelves.bind(nowMillis, at: 2)
            var shelfList: [Shelf] = []
            while try shelves.step() {
                shelfList.append(Shelf(
                    point: AlarmPoint(
                        rule: shelves.string(at: 0), site: shelves.string(at: 1), line: shelves.string(at: 2),
                        device: shelves.string(at: 3), sensor: shelves.string(at: 4)),
                    by: shelves.string(at: 5), atMillis: shelves.int64(at: 6), untilMillis: shelves.int64(at: 7),
                    comment: shelves.string(at: 8)))
            }
            let scopes = try db.prepare("""
                SELECT site, line, device, actor, at, comment FROM alarm_out_of_service
                WHERE ?1 IS NULL OR site = ?1 ORDER BY at, site, line, device
                """)
            if let site { try scopes.bind(site, at: 1) } else { try scopes.bindNull(at: 1) }
            var outOfService: [OutOfService] = []
            while try scopes.step() {
                outOfService.append(OutOfService(
                    scope: ServiceScope(site: scopes.string(at: 0), line: scopes.string(at: 1), device: scopes.string(at: 2)),
                    by: scopes.string(at: 3), atMillis: scopes.int64(at: 4), comment: scopes.string(at: 5)))
            }
            return AlarmSuppressions(site: site ?? "", shelves: shelfList, outOfService: outOfService)
        }
    }

    func acknowledgements(alertIDs: [String]) throws -> [String: Acknowledgement] {
        guard !alertIDs.isEmpty else { return [:] }
        let db = try opened()
        let query = try db.prepare("SELECT actor, at, comment FROM alarm_acks WHERE alert_id = ?1")
        var result: [String: Acknowledgement] = [:]
        for id in Set(alertIDs) {
            try query.bind(id, at: 1)
            defer { query.reset() }
            if try query.step() {
                result[id] = Acknowledgement(by: query.string(at: 0), atMillis: query.int64(at: 1), comment: query.string(at: 2))
            }
        }
        return result
    }

    func alarmAudit(site: String?, kind: AuditKind, limit: Int) throws -> [AlarmAuditEntry] {
        let db = try opened()
        let query = try db.prepare("""
            SELECT id, at, actor, action, alert_id, rule, site, line, device, sensor, comment, until FROM alarm_audit
            WHERE (?1 IS NULL OR site = ?1)
                AND (?3 = 0 OR (?3 = 1 AND action <> '\(AlarmAuditEntry.stopCommand)') OR (?3 = 2 AND action = '\(AlarmAuditEntry.stopCommand)'))
            ORDER BY id DESC LIMIT ?2
            """)
        if let site { try query.bind(site, at: 1) } else { try query.bindNull(at: 1) }
        try query.bind(limit, at: 2)
        try query.bind(kind.code, at: 3)
        var entries: [AlarmAuditEntry] = []
        while try query.step() {
            entries.append(AlarmAuditEntry(
                id: query.int64(at: 0), atMillis: query.int64(at: 1), user: query.string(at: 2), action: query.string(at: 3),
                alertID: query.string(at: 4), rule: query.string(at: 5), site: query.string(at: 6), line: query.string(at: 7),
                device: query.string(at: 8), sensor: query.string(at: 9), comment: query.string(at: 10),
                untilMillis: query.isNull(at: 11) ? nil : query.int64(at: 11)))
        }
        return entries
    }

    func alertStarts(site: String?, sinceMillis: Int64, limit: Int) throws -> [AlertStart] {
        let db = try opened()
        let query = try db.prepare("""
            SELECT alert_id, rule, site, line, device, sensor, at FROM alerts
            WHERE notification = 'firing' AND at >= ?1 AND (?2 IS NULL OR site = ?2) ORDER BY at DESC LIMIT ?3
            """)
        try query.bind(sinceMillis, at: 1)
        if let site { try query.bind(site, at: 2) } else { try query.bindNull(at: 2) }
        try query.bind(limit, at: 3)
        var starts: [AlertStart] = []
        while try query.step() {
            starts.append(AlertStart(
                alertID: query.string(at: 0),
                point: AlarmPoint(rule: query.string(at: 1), site: query.string(at: 2), line: query.string(at: 3), device: query.string(at: 4), sensor: query.string(at: 5)),
                atMillis: query.int64(at: 6)))
        }
        // The newest when there are more than `limit`; returned oldest first.
        return starts.reversed()
    }
}
