import NIOCore
import PostgresNIO
public import Readings

extension PostgresReadingStore {
    public func sites() async throws -> [SiteSummary] {
        try checkOpen()
        return head.sites()
    }

    public func series(_ filter: SeriesFilter) async throws -> [SeriesInfo] {
        try checkOpen()
        return head.series(filter)
    }

    public func readings(series: Int64, from: Int64, to: Int64, step: Int64?, aggregation: Aggregation, limit: Int) async throws -> ReadingsPage {
        if let step, step <= 0 { throw ReadingStoreError(.invalidQuery, "step \(step) ms is not positive") }
        guard from < to else { return ReadingsPage(points: []) }
        try checkOpen()
        // The head copy comes before the snapshot, as on SQLite: a compaction that commits in
        // between is seen by the snapshot, and its readings come from blocks, not twice.
        let recent = head.recent(series)
        return try await snapshot { connection in
            let rawHorizon = try await self.metaValue(connection, PostgresStoreSchema.MetaKey.rawHorizon) ?? Int64.min
            let plan = QueryPlan(from: from, to: to, step: step, rawHorizon: rawHorizon)
            var read = SeriesSnapshot()
            read.head = recent?.after(try await self.metaValue(connection, PostgresStoreSchema.MetaKey.compactedThrough) ?? 0)
                ?? SeriesBlock()
            read.blocks = try await self.blocks(
                connection, series: series, range: plan.raw, budget: step == nil ? BlockBudget(limit: limit, range: plan.raw) : nil)
            if step != nil && !plan.rollupHours.isEmpty {
                let rows = try await connection.query("""
                    SELECT hour, count, sum, min, max, last, last_ts FROM rollup_1h
                    WHERE series_id = \(series) AND hour >= \(plan.rollupHours.lowerBound) AND hour < \(plan.rollupHours.upperBound)
                    ORDER BY hour
                    """, logger: self.logger)
                for try await (hour, count, sum, min, max, last, lastTs) in rows.decode(
                    (Int64, Int64, Double, Double, Double, Double, Int64).self)
                {
                    read.rollups.append(SeriesSnapshot.RollupHour(
                        hour: hour, partial: Downsampler.Partial(count: count, sum: sum, min: min, max: max, last: last), lastTs: lastTs))
                }
            }
            return read.points(from: from, step: step, aggregation: aggregation, plan: plan, limit: limit)
        }
    }

    public func delivery(series: Int64, from: Int64, to: Int64, storedSince: Int64, limit: Int) async throws -> Delivery {
        guard from < to else { return Delivery() }
        try checkOpen()
        let recent = head.recent(series)  // before the snapshot, as for readings
        return try await snapshot { connection in
            var read = SeriesSnapshot()
            read.head = recent?.after(try await self.metaValue(connection, PostgresStoreSchema.MetaKey.compactedThrough) ?? 0)
                ?? SeriesBlock()
            read.blocks = try await self.blocks(connection, series: series, range: from..<to, budget: BlockBudget(limit: limit, range: from..<to))
            return read.delivery(from: from, to: to, storedSince: storedSince, limit: limit)
        }
    }

    /// Runs `body` in one read-only REPEATABLE READ transaction: its statements see one snapshot.
    private func snapshot<T: Sendable>(_ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let logger = self.logger
        return try await client.withConnection { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger).drain()
            do {
                let result = try await body(connection)
                try Self.checkNotClosed(connection)
                try await connection.query("COMMIT", logger: logger).drain()
                return result
            } catch {
                if !connection.isClosed { try? await connection.query("ROLLBACK", logger: logger).drain() }
                throw error
            }
        }
    }

    public func alerts(_ filter: AlertFilter) async throws -> [AlertRecord] {
        let filter = try filter.validated()
        try checkOpen()
        let rows = try await client.query("""
            SELECT edge, alert_id, rule, severity, status, notification, site, line, device, sensor,
                value, started_at, ended_at, at, json
            FROM (
                SELECT *, ROW_NUMBER() OVER (
                    PARTITION BY alert_id ORDER BY at DESC, (notification = 'resolved') DESC
                ) AS latest
                FROM alerts WHERE \(filter.site)::text IS NULL OR site = \(filter.site)
            ) AS a
            WHERE latest = 1
                AND (\(filter.status)::text IS NULL OR (\(filter.status) = 'resolved') = (notification = 'resolved'))
                AND (\(filter.sinceMillis)::bigint IS NULL OR at >= \(filter.sinceMillis))
            ORDER BY CASE WHEN \(filter.severityFirst) THEN (CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END) ELSE 0 END, at DESC, edge, alert_id
            LIMIT \(Int64(filter.limit))
            """, logger: logger)
        var result: [AlertRecord] = []
        let columns = (String, String, String, String, String, String, String, String, String, String,
            Double?, Int64, Int64?, Int64, String).self
        for try await (edge, alertID, rule, severity, status, notification, site, line, device, sensor,
            value, startedAt, endedAt, at, json) in rows.decode(columns)
        {
            result.append(AlertRecord(
                edge: edge, alertID: alertID, rule: rule, severity: severity, status: status, notification: notification,
                site: site, line: line, device: device, sensor: sensor, value: value, startedAtMillis: startedAt,
                endedAtMillis: endedAt, atMillis: at, json: json))
        }
        return result
    }

    public func statistics() async throws -> StoreStatistics {
        try checkOpen()
        let totals = head.totals()
        let headReadings = Int64(head.headSize.readings)
        let rows = try await client.query(
            "SELECT (SELECT COUNT(*) FROM batches), pg_database_size(current_database())", logger: logger)
        for try await (batches, bytes) in rows.decode((Int64, Int64).self) {
            return StoreStatistics(
                readings: totals.readings, series: totals.series, batches: batches, bytes: bytes, headReadings: headReadings)
        }
        return StoreStatistics(readings: totals.readings, series: totals.series, batches: 0, bytes: 0, headReadings: headReadings)
    }
}
