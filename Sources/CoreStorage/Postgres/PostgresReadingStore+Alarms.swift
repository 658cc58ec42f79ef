import PostgresNIO
public import Readings

extension PostgresReadingStore {
    public func record(_ request: AlarmActionRequest) async throws -> AlarmActionOutcome {
        try checkOpen()
        let logger = self.logger
        return try await transaction { connection in
            /// Whether a statement with `RETURNING 1` changed a row.
            func changed(_ query: PostgresQuery) async throws -> Bool {
                var any = false
                for try await _ in try await connection.query(query, logger: logger) { any = true }
                return any
            }
            var point = request.action.place
            switch request.action {
            case .acknowledge(let alertID):
                let rows = try await connection.query("""
                    SELECT rule, site, line, device, sensor FROM alerts WHERE alert_id = \(alertID) ORDER BY at DESC LIMIT 1
                    """, logger: logger)
                for try await (rule, site, line, device, sensor) in rows.decode((String, String, String, String, String).self) {
                    point = AlarmPoint(rule: rule, site: site, line: line, device: device, sensor: sensor)
                }
                guard point != nil else { return .unknownAlert }
                let inserted = try await changed("""
                    INSERT INTO alarm_acks(alert_id, actor, at, comment)
                    VALUES (\(alertID), \(request.user), \(request.atMillis), \(request.comment))
                    ON CONFLICT DO NOTHING RETURNING 1
                    """)
                if !inserted {
                    let existing = try await connection.query(
                        "SELECT actor, at FROM alarm_acks WHERE alert_id = \(alertID)", logger: logger)
                    for try await (actor, at) in existing.decode((String, Int64).self) { return .alreadyAcknowledged(by: actor, atMillis: at) }
                }
            case .shelve(let shelved, let until):
                _ = try await changed("""
                    INSERT INTO alarm_shelves(rule, site, line, device, sensor, actor, at, until, comment)
                    VALUES (\(shelved.rule), \(shelved.site), \(shelved.line), \(shelved.device), \(shelved.sensor),
                        \(request.user), \(request.atMillis), \(until), \(request.comment))
                    ON CONFLICT (site, rule, line, device, sensor) DO UPDATE SET
                        actor = excluded.actor, at = excluded.at, until = excluded.until, comment = excluded.comment
                    RETURNING 1
                    """)
            case .unshelve(let shelved):
                let deleted = try await changed("""
                    DELETE FROM alarm_shelves WHERE rule = \(shelved.rule) AND site = \(shelved.site) AND line = \(shelved.line)
                        AND device = \(shelved.device) AND sensor = \(shelved.sensor) AND until > \(request.atMillis)
                    RETURNING 1
                    """)
                guard deleted else { return .notShelved }
            case .removeFromService(let scope):
                let inserted = try await changed("""
                    INSERT INTO alarm_out_of_service(site, line, device, actor, at, comment)
                    VALUES (\(scope.site), \(scope.line), \(scope.device), \(request.user), \(request.atMillis), \(request.comment))
                    ON CONFLICT DO NOTHING RETURNING 1
                    """)
                guard inserted else { return .alreadyOutOfService }
            case .returnToService(let scope):
                let deleted = try await changed("""
                    DELETE FROM alarm_out_of_service WHERE site = \(scope.site) AND line = \(scope.line) AND device = \(scope.device)
                    RETURNING 1
                    """)
                guard deleted else { return .notOutOfService }
            }
            let entry = AlarmAuditEntry(request, point: point!)
            try await connection.query("""
                INSERT INTO alarm_audit(at, actor, action, alert_id, rule, site, line, device, sensor, comment, until)
                VALUES (\(entry.atMillis), \(entry.user), \(entry.action), \(entry.alertID), \(entry.rule), \(entry.site),
                    \(entry.line), \(entry.device), \(entry.sensor), \(entry.comment), \(entry.untilMillis)::bigint)
                """, logger: logger).drain()
            return .done
        }
    }

    public func ingest(commands: [CommandAttempt], edge: String) async throws -> Int {
        guard !commands.isEmpty else { return 0 }
        try checkOpen()
        let logger = self.logger
        return try await transaction { connection in
            var stored = 0
            for command in commands {
                var claimed = false
                let claim = try await connection.query("""
                    INSERT INTO alarm_command_keys(edge, key) VALUES (\(edge), \(command.key)) ON CONFLICT DO NOTHING RETURNING 1
                    """, logger: logger)
                for try await _ in claim { claimed = true }
                guard claimed else { continue }
                let entry = AlarmAuditEntry(command: command, edge: edge)
                try await connection.query("""
                    INSERT INTO alarm_audit(at, actor, action, alert_id, rule, site, line, device, sensor, comment, until)
                    VALUES (\(entry.atMillis), \(entry.user), \(entry.action), \(entry.alertID), \(entry.rule), \(entry.site),
                        \(entry.line), \(entry.device), \(entry.sensor), \(entry.comment), NULL)
                    """, logger: logger).drain()
                stored += 1
            }
            return stored
        }
    }

    public func suppressions(site: String?, nowMillis: Int64) async throws -> AlarmSuppressions {
        try checkOpen()
        let shelfRows = try await client.query("""
            SELECT rule, site, line, device, sensor, actor, at, until, comment FROM alarm_shelves
            WHERE (\(site)::text IS NULL OR site = \(site)) AND until > \(nowMillis)
            ORDER BY at, site, rule, line, device, sensor
            """, logger: logger)
        var shelves: [Shelf] = []
        for try await (rule, shelfSite, line, device, sensor, actor, at, until, comment)
            in shelfRows.decode((String, String, String, String, String, String, Int64, Int64, String).self)
        {
            shelves.append(Shelf(
                point: AlarmPoint(rule: rule, site: shelfSite, line: line, device: device, sensor: sensor), by: actor, atMillis: at,
                untilMillis: until, comment: comment))
        }
        let scopeRows = try await client.query("""
            SELECT site, line, device, actor, at, comment FROM alarm_out_of_service
            WHERE \(site)::text IS NULL OR site = \(site) ORDER BY at, site, line, device
            """, logger: logger)
        var outOfService: [OutOfService] = []
        for try await (scopeSite, line, device, actor, at, comment) in scopeRows.decode((String, String, String, String, Int64, String).self) {
            outOfService.append(OutOfService(
                scope: ServiceScope(site: scopeSite, line: line, device: device), by: actor, atMillis: at, comment: comment))
        }
        return AlarmSuppressions(site: site ?? "", shelves: shelves, outOfService: outOfService)
    }

    public func acknowledgements(alertIDs: [String]) async throws -> [String: Acknowledgement] {
        guard !alertIDs.isEmpty else { return [:] }
        try checkOpen()
        let rows = try await client.query(
            "SELECT alert_id, actor, at, comment FROM alarm_acks WHERE alert_id = ANY(\(Array(Set(alertIDs))))", logger: logger)
        var result: [String: Acknowledgement] = [:]
        for try await (id, actor, at, comment) in rows.decode((String, String, Int64, String).self) {
            result[id] = Acknowledgement(by: actor, atMillis: at, comment: comment)
        }
        return result
    }

    public func alertStarts(site: String?, sinceMillis: Int64, limit: Int) async throws -> [AlertStart] {
        try checkOpen()
        let rows = try await client.query("""
            SELECT alert_id, rule, site, line, device, sensor, at FROM alerts
            WHERE notification = 'firing' AND at >= \(sinceMillis) AND (\(site)::text IS NULL OR site = \(site))
            ORDER BY at DESC LIMIT \(Int64(max(0, limit)))
            """, logger: logger)
        var starts: [AlertStart] = []
        for try await (id, rule, startSite, line, device, sensor, at) in rows.decode((String, String, String, String, String, String, Int64).self) {
            starts.append(AlertStart(
                alertID: id, point: AlarmPoint(rule: rule, site: startSite, line: line, device: device, sensor: sensor), atMillis: at))
        }
        // The newest when there are more than `limit`; returned oldest first.
        return starts.reversed()
    }

    public func alarmAudit(site: String?, kind: AuditKind, limit: Int) async throws -> [AlarmAuditEntry] {
        try checkOpen()
        let code = Int64(kind.code)
        let rows = try await client.query("""
            SELECT id, at, actor, action, alert_id, rule, site, line, device, sensor, comment, until FROM alarm_audit
            WHERE (\(site)::text IS NULL OR site = \(site))
                AND (\(code) = 0 OR (\(code) = 1 AND action <> \(AlarmAuditEntry.stopCommand)) OR (\(code) = 2 AND action = \(AlarmAuditEntry.stopCommand)))
            ORDER BY id DESC LIMIT \(Int64(max(0, limit)))
            """, logger: logger)
        var entries: [AlarmAuditEntry] = []
        for try await (id, at, actor, action, alertID, rule, entrySite, line, device, sensor, comment, until)
            in rows.decode((Int64, Int64, String, String, String, String, String, String, String, String, String, Int64?).self)
        {
            entries.append(AlarmAuditEntry(
                id: id, atMillis: at, user: actor, action: action, alertID: alertID, rule: rule, site: entrySite, line: line,
                device: device, sensor: sensor, comment: comment, untilMillis: until))
        }
        return entries
    }
}
