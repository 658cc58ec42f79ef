import NIOCore
import PostgresNIO
public import Readings

extension PostgresReadingStore {
    /// Stores `batch` and its key as one head row in one statement (atomic on its own, one round
    /// trip), or nothing when the key is stored already. Cost: one key row and one head row,
    /// plus a series row only for a series never seen before.
    public func ingest(_ batch: Batch, receivedAtMillis: Int64) async throws -> IngestOutcome {
        try batch.checkForStore()
        try checkOpen()
        let ids = try await seriesIDs(for: batch)
        var row = HeadRow()
        row.seriesID = batch.sid.map { ids[Int($0)] }
        row.ts = batch.ts
        row.value = batch.value
        row.seq = batch.deviceSeq.isEmpty ? [Int64](repeating: -1, count: batch.count) : batch.deviceSeq.map { max($0, -1) }
        var encoded = ColumnWriter(capacity: batch.count * 12 + 16)
        HeadRowCodec.encode(row, into: &encoded)
        let data = ByteBuffer(bytes: encoded.bytes)
        let storedAt = WallClock.millis()
        let count = Int32(clamping: batch.count)

        let headID = headIDs.withLock { $0.reserve() }
        // Whatever happens below, the id is settled afterwards (stored and in memory, or not stored).
        defer { headIDs.withLock { $0.finish(headID) } }
        var stored = false
        do {
            // The claim first: a concurrent insert of the same key waits for the other statement,
            // then finds the key and inserts no head row.
            let rows = try await client.query("""
                WITH claim AS (
                    INSERT INTO batches(edge, seq, received_at, readings)
                    VALUES (\(batch.edge), \(batch.seq), \(receivedAtMillis), \(count))
                    ON CONFLICT DO NOTHING RETURNING 1)
                INSERT INTO head(id, stored_at, count, data) SELECT \(headID), \(storedAt), \(count), \(data) FROM claim
                RETURNING id
                """, logger: logger)
            for try await _ in rows { stored = true }
        } catch let error as PSQLError where error.serverInfo != nil {
            throw error  // the server answered: the statement failed and changed nothing
        } catch {
            // The connection failed: the statement may have committed before the answer was
            // lost. Look (this id with this batch's key), so memory matches the database.
            guard (try? await headRowStored(headID, batch: batch)) == true else { throw error }
            stored = true
        }
        if stored { head.add(headID: headID, storedAt: storedAt, row) }
        return stored ? .stored(readings: batch.count) : .duplicate
    }

    private func headRowStored(_ id: Int64, batch: Batch) async throws -> Bool {
        var found = false
        let rows = try await client.query("""
            SELECT 1 FROM head WHERE id = \(id) AND count = \(Int32(clamping: batch.count))
                AND EXISTS (SELECT 1 FROM batches WHERE edge = \(batch.edge) AND seq = \(batch.seq))
            """, logger: logger)
        for try await _ in rows { found = true }
        return found
    }

    /// The database id of each of the batch's series that its readings use (indexed like
    /// `batch.series`; -1 for the rest), creating missing series first, outside any
    /// transaction: a series row without readings is harmless (listings skip `count = 0`).
    private func seriesIDs(for batch: Batch) async throws -> [Int64] {
        var used = [Bool](repeating: false, count: batch.series.count)
        for sid in batch.sid { used[Int(sid)] = true }
        var ids = [Int64](repeating: -1, count: batch.series.count)
        var missing: [Series] = []
        seriesIDs.withLock { known in
            for k in used.indices where used[k] {
                if let id = known[batch.series[k]] {
                    ids[k] = id
                } else {
                    missing.append(batch.series[k])
                }
            }
        }
        guard !missing.isEmpty else { return ids }
        // Sorted, so two ingests creating overlapping series take the same locks in the same order.
        missing.sort { ($0.site, $0.line, $0.device, $0.sensor, $0.unit) < ($1.site, $1.line, $1.device, $1.sensor, $1.unit) }
        let sites = missing.map(\.site), lines = missing.map(\.line), devices = missing.map(\.device)
        let sensors = missing.map(\.sensor), units = missing.map(\.unit)
        try await client.query("""
            INSERT INTO series(site, line, device, sensor, unit)
            SELECT * FROM unnest(\(sites)::text[], \(lines)::text[], \(devices)::text[], \(sensors)::text[], \(units)::text[])
            ON CONFLICT DO NOTHING
            """, logger: logger).drain()
        let rows = try await client.query("""
            SELECT s.id, s.site, s.line, s.device, s.sensor, s.unit FROM series AS s
            JOIN unnest(\(sites)::text[], \(lines)::text[], \(devices)::text[], \(sensors)::text[], \(units)::text[])
                AS m(site, line, device, sensor, unit)
            USING (site, line, device, sensor, unit)
            """, logger: logger)
        var found: [Series: Int64] = [:]
        for try await (id, site, line, device, sensor, unit) in rows.decode((Int64, String, String, String, String, String).self) {
            found[Series(site: site, line: line, device: device, sensor: sensor, unit: unit)] = id
        }
        // In memory before any head row that uses them is added.
        for (series, id) in found { head.register(id: id, series: series) }
        seriesIDs.withLock { $0.merge(found) { old, _ in old } }
        for k in used.indices where used[k] && ids[k] < 0 {
            guard let id = found[batch.series[k]] else {
                throw ReadingStoreError(.schema, "series \(batch.series[k]) was not created")
            }
            ids[k] = id
        }
        return ids
    }

    public func ingest(alerts: [AlertRecord]) async throws -> Int {
        guard !alerts.isEmpty else { return 0 }
        try checkOpen()
        let logger = self.logger
        return try await transaction { connection in
            var stored = 0
            for alert in alerts {
                let rows = try await connection.query("""
                    INSERT INTO alerts(edge, alert_id, notification, at, rule, severity, status, site, line, device, sensor,
                        value, started_at, ended_at, json)
                    VALUES (\(alert.edge), \(alert.alertID), \(alert.notification), \(alert.atMillis), \(alert.rule),
                        \(alert.severity), \(alert.status), \(alert.site), \(alert.line), \(alert.device), \(alert.sensor),
                        \(alert.value)::float8, \(alert.startedAtMillis), \(alert.endedAtMillis)::bigint, \(alert.json))
                    ON CONFLICT DO NOTHING RETURNING 1
                    """, logger: logger)
                for try await _ in rows { stored += 1 }
            }
            return stored
        }
    }
}
