import SQLite

extension SQLiteStoreReader {
    /// One row per alert id, from whichever edge sent it (a pair's takeover): its latest
    /// notification (a resolve wins a tie at the same instant), filtered and newest first.
    func alerts(_ filter: AlertFilter) throws -> [AlertRecord] {
        let db = try opened()
        let rows = try db.prepare("""
            SELECT edge, alert_id, rule, severity, status, notification, site, line, device, sensor,
                value, started_at, ended_at, at, json
            FROM (
                SELECT *, ROW_NUMBER() OVER (
                    PARTITION BY alert_id ORDER BY at DESC, notification = 'resolved' DESC
                ) AS latest
                FROM alerts WHERE ?1 IS NULL OR site = ?1
            )
            WHERE latest = 1
                AND (?2 IS NULL OR (?2 = 'resolved') = (notification = 'resolved'))
                AND (?3 IS NULL OR at >= ?3)
            ORDER BY \(filter.severityFirst ? AlertFilter.severityRank + "," : "") at DESC, edge, alert_id
            LIMIT ?4
            """)
        if let site = filter.site { try rows.bind(site, at: 1) } else { try rows.bindNull(at: 1) }
        if let status = filter.status { try rows.bind(status, at: 2) } else { try rows.bindNull(at: 2) }
        if let since = filter.sinceMillis { try rows.bind(since, at: 3) } else { try rows.bindNull(at: 3) }
        try rows.bind(filter.limit, at: 4)
        var result: [AlertRecord] = []
        while try rows.step() {
            result.append(AlertRecord(
                edge: rows.string(at: 0), alertID: rows.string(at: 1), rule: rows.string(at: 2),
                severity: rows.string(at: 3), status: rows.string(at: 4), notification: rows.string(at: 5),
                site: rows.string(at: 6), line: rows.string(at: 7), device: rows.string(at: 8),
                sensor: rows.string(at: 9), value: rows.isNull(at: 10) ? nil : rows.double(at: 10),
                startedAtMillis: rows.int64(at: 11), endedAtMillis: rows.isNull(at: 12) ? nil : rows.int64(at: 12),
                atMillis: rows.int64(at: 13), json: rows.string(at: 14)))
        }
        return result
    }
}
