import PostgresNIO
import Readings

extension PostgresReadingStore {
    public func sites() async throws -> [SiteSummary] {
        try checkOpen()
        let rows = try await client.query("""
            SELECT site, line, device, COUNT(*), MAX(last_ts) FROM series WHERE count > 0
            GROUP BY site, line, device ORDER BY site, line, device
            """, logger: logger)
        var builder = SiteSummaryBuilder()
        for try await (site, line, device, count, lastTs) in rows.decode((String, String, String, Int64, Int64).self) {
            builder.add(site: site, line: line, device: device, series: Int(count), lastTs: lastTs)
        }
        return builder.sites
    }

    public func series(_ filter: SeriesFilter) async throws -> [SeriesInfo] {
        try checkOpen()
        let rows = try await client.query("""
            SELECT id, site, line, device, sensor, unit, count, first_ts, last_ts, last_value FROM series
            WHERE count > 0 AND (\(filter.site)::text IS NULL OR site = \(filter.site))
                AND (\(filter.line)::text IS NULL OR line = \(filter.line))
                AND (\(filter.device)::text IS NULL OR device = \(filter.device))
                AND (\(filter.sensor)::text IS NULL OR sensor = \(filter.sensor))
                AND id > \(filter.afterID ?? Int64.min)
            ORDER BY id
            LIMIT \(Int64(filter.limit ?? Int.max))
            """, logger: logger)
        var result: [SeriesInfo] = []
        let columns = (Int64, String, String, String, String, String, Int64, Int64, Int64, Double).self
        for try await (id, site, line, device, sensor, unit, count, first, last, value) in rows.decode(columns) {
            result.append(SeriesInfo(
                id: id, series: Series(site: site, line: line, device: device, sensor: sensor, unit: unit),
                count: count, firstTs: first, lastTs: last, lastValue: value))
        }
        return result
    }

    public func readings(series: Int64, from: Int64, to: Int64, step: Int64?, aggregation: Aggregation) async throws -> [Point] {
        if let step, step <= 0 { throw ReadingStoreError(.invalidQuery, "step \(step) ms is not positive") }
        guard from < to else { return [] }
        try checkOpen()
        let logger = self.logger
        // One snapshot for the horizon and both reads (REPEATABLE READ).
        return try await client.withConnection { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger).drain()
            do {
                let points = try await Self.readings(
                    connection, logger: logger, series: series, from: from, to: to, step: step, aggregation: aggregation)
                try await connection.query("COMMIT", logger: logger).drain()
                return points
            } catch {
                try? await connection.query("ROLLBACK", logger: logger).drain()
                throw error
            }
        }
    }

    private static func readings(
        _ connection: PostgresConnection, logger: Logger, series: Int64, from: Int64, to: Int64, step: Int64?,
        aggregation: Aggregation
    ) async throws -> [Point] {
        var rawHorizon = Int64.min
        let key = PostgresStoreSchema.MetaKey.rawHorizon
        for try await value in try await connection.query("SELECT value FROM meta WHERE key = \(key)", logger: logger)
            .decode(Int64.self)
        {
            rawHorizon = value
        }
        let plan = QueryPlan(from: from, to: to, step: step, rawHorizon: rawHorizon)
        guard let step else {
            var points: [Point] = []
            let rows = try await connection.query("""
                SELECT ts, value FROM readings
                WHERE series_id = \(series) AND ts >= \(plan.raw.lowerBound) AND ts < \(plan.raw.upperBound) ORDER BY ts
                """, logger: logger)
            for try await (ts, value) in rows.decode((Int64, Double).self) {
                points.append(Point(ts: ts, value: value))
            }
            return points
        }
        var downsampler = Downsampler(origin: from, step: step, aggregation: aggregation)
        if !plan.rollupHours.isEmpty {
            let rows = try await connection.query("""
                SELECT hour, count, sum, min, max, last FROM rollup_1h
                WHERE series_id = \(series) AND hour >= \(plan.rollupHours.lowerBound) AND hour < \(plan.rollupHours.upperBound)
                ORDER BY hour
                """, logger: logger)
            for try await (hour, count, sum, min, max, last) in rows.decode((Int64, Int64, Double, Double, Double, Double).self) {
                downsampler.add(
                    bucketStart: downsampler.bucket(of: hour),
                    Downsampler.Partial(count: count, sum: sum, min: min, max: max, last: last))
            }
        }
        if !plan.raw.isEmpty {
            // Partial aggregates per bucket in SQL (ts ≥ from, so the division floors); the
            // Downsampler merges them with the rollup buckets and applies `agg` the same way
            // for both backends.
            let rows = try await connection.query("""
                SELECT \(from)::bigint + (ts - \(from)::bigint) / \(step)::bigint * \(step)::bigint AS bucket,
                    COUNT(*), SUM(value), MIN(value), MAX(value), (array_agg(value ORDER BY ts DESC))[1]
                FROM readings
                WHERE series_id = \(series) AND ts >= \(plan.raw.lowerBound) AND ts < \(plan.raw.upperBound)
                GROUP BY bucket ORDER BY bucket
                """, logger: logger)
            for try await (bucket, count, sum, min, max, last) in rows.decode((Int64, Int64, Double, Double, Double, Double).self) {
                downsampler.add(bucketStart: bucket, Downsampler.Partial(count: count, sum: sum, min: min, max: max, last: last))
            }
        }
        return downsampler.finish()
    }

    public func delivery(series: Int64, from: Int64, to: Int64, storedSince: Int64) async throws -> Delivery {
        guard from < to else { return Delivery() }
        try checkOpen()
        let rows = try await client.query("""
            SELECT ts, dseq, stored_at FROM readings
            WHERE series_id = \(series) AND ts >= \(from) AND ts < \(to) AND stored_at >= \(storedSince)
            ORDER BY ts
            """, logger: logger)
        var delivery = Delivery()
        for try await (ts, seq, storedAt) in rows.decode((Int64, Int64, Int64).self) {
            delivery.ts.append(ts)
            delivery.seq.append(seq)
            delivery.storedAt.append(storedAt)
        }
        return delivery
    }

    public func alerts(_ filter: AlertFilter) async throws -> [AlertRecord] {
        let filter = try filter.validated()
        try checkOpen()
        let rows = try await client.query("""
            SELECT edge, alert_id, rule, severity, status, notification, site, line, device, sensor,
                value, started_at, ended_at, at, json
            FROM (
                SELECT *, ROW_NUMBER() OVER (
                    PARTITION BY edge, alert_id ORDER BY at DESC, (notification = 'resolved') DESC
                ) AS latest
                FROM alerts WHERE \(filter.site)::text IS NULL OR site = \(filter.site)
            ) AS a
            WHERE latest = 1
                AND (\(filter.status)::text IS NULL OR (\(filter.status) = 'resolved') = (notification = 'resolved'))
                AND (\(filter.sinceMillis)::bigint IS NULL OR at >= \(filter.sinceMillis))
            ORDER BY at DESC, edge, alert_id
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
        let rows = try await client.query("""
            SELECT COALESCE(SUM(count), 0)::bigint, COUNT(*),
                (SELECT COUNT(*) FROM batches), pg_database_size(current_database())
            FROM series WHERE count > 0
            """, logger: logger)
        for try await (readings, series, batches, bytes) in rows.decode((Int64, Int64, Int64, Int64).self) {
            return StoreStatistics(readings: readings, series: series, batches: batches, bytes: bytes)
        }
        return StoreStatistics(readings: 0, series: 0, batches: 0, bytes: 0)
    }

    public func applyRetention(rawBefore: Int64, rollupBefore: Int64) async throws {
        let logger = self.logger
        let key = PostgresStoreSchema.MetaKey.rawHorizon
        // The horizon moves first and commits alone, so queries answer old buckets from rollups
        // while the raw rows are being deleted.
        try await transaction { connection in
            try await connection.query("""
                INSERT INTO meta(key, value) VALUES (\(key), \(rawBefore))
                ON CONFLICT (key) DO UPDATE SET value = GREATEST(meta.value, excluded.value)
                """, logger: logger).drain()
        }
        try await transaction { connection in
            try await connection.query("DELETE FROM readings WHERE ts < \(rawBefore)", logger: logger).drain()
            try await connection.query(
                "DELETE FROM rollup_1h WHERE hour <= \(rollupBefore - TimeMath.hour)", logger: logger
            ).drain()
            try await connection.query("DELETE FROM batches WHERE received_at < \(rollupBefore)", logger: logger).drain()
        }
        logger.info("retention applied", metadata: ["raw_before": "\(rawBefore)", "rollup_before": "\(rollupBefore)"])
    }
}
