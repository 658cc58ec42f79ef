import Clocks
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
        var row = HeadRow()
        if let dictionary = batch.dictionary {
            row.seriesID = try await seriesIDs(for: batch, dictionary: DictionaryName(edge: batch.edge, dictionary: dictionary))
        } else {
            var used = [Bool](repeating: false, count: batch.series.count)
            for sid in batch.sid { used[Int(sid)] = true }
            let ids = try await seriesIDs(of: batch.series, used: used)
            row.seriesID = batch.sid.map { ids[Int($0)] }
        }
        row.ts = batch.ts
        row.value = batch.value
        row.seq = batch.deviceSeq.isEmpty ? [Int64](repeating: -1, count: batch.count) : batch.deviceSeq.map { max($0, -1) }
        var encoded = ColumnWriter(capacity: batch.count * 12 + 16)
        HeadRowCodec.encode(row, into: &encoded)
        let data = ByteBuffer(bytes: encoded.bytes)
        let storedAt = WallClock.millis()
        let count = Int32(clamping: batch.count)

        let spool = batch.spool ?? 0
        let hash = batch.contentHash
        let headID = headIDs.withLock { $0.reserve() }
        // Whatever happens below, the id is settled afterwards (stored and in memory, or not stored).
        defer { headIDs.withLock { $0.finish(headID) } }
        var stored = false
        do {
            // The claim first: a concurrent insert of the same key waits for the other statement,
            // then finds the key and inserts no head row.
            let rows = try await client.query("""
                WITH claim AS (
                    INSERT INTO batches(edge, spool, seq, received_at, readings, hash)
                    VALUES (\(batch.edge), \(spool), \(batch.seq), \(receivedAtMillis), \(count), \(hash))
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
        if stored {
            head.add(headID: headID, storedAt: storedAt, row)
            return .stored(readings: batch.count)
        }
        // A repeated key is a duplicate only with the readings stored under it (or a key from
        // before the hash); otherwise it is another batch with a colliding key.
        let rows = try await client.query(
            "SELECT hash FROM batches WHERE edge = \(batch.edge) AND spool = \(spool) AND seq = \(batch.seq)", logger: logger)
        for try await storedHash in rows.decode(Int64?.self) where storedHash != nil && storedHash != hash {
            throw ReadingStoreError.conflict(batch)
        }
        return .duplicate
    }

    private func headRowStored(_ id: Int64, batch: Batch) async throws -> Bool {
        var found = false
        let rows = try await client.query("""
            SELECT 1 FROM head WHERE id = \(id) AND count = \(Int32(clamping: batch.count))
                AND EXISTS (SELECT 1 FROM batches WHERE edge = \(batch.edge) AND spool = \(batch.spool ?? 0) AND seq = \(batch.seq))
            """, logger: logger)
        for try await _ in rows { found = true }
        return found
    }

    /// The series id of each reading of a dictionary batch. The batch's definitions (series
    /// and keys) are stored first, outside any transaction, like new series: a key row whose
    /// batch then turns out a duplicate (or fails) is a true fact about the edge's dictionary.
    private func seriesIDs(for batch: Batch, dictionary name: DictionaryName) async throws -> [Int64] {
        let map: SeriesKeyMap
        if let known = dictionaries.withLock({ $0[name] }) {
            map = known
        } else {
            map = try await keys(of: name)
        }
        let definitionIDs = try await seriesIDs(of: batch.series, used: [Bool](repeating: true, count: batch.series.count))
        let resolution = try map.resolve(batch, definitionIDs: definitionIDs)
        guard !resolution.added.isEmpty else { return resolution.seriesIDs }
        let keys = resolution.added.map { Int64($0.key) }, ids = resolution.added.map(\.seriesID)
        try await client.query("""
            INSERT INTO series_keys(edge, dict, key, series_id)
            SELECT \(name.edge), \(name.dictionary), k, s FROM unnest(\(keys)::bigint[], \(ids)::bigint[]) AS u(k, s)
            ON CONFLICT DO NOTHING
            """, logger: logger).drain()
        dictionaries.withLock { all in
            if all[name] == nil { all = all.filter { $0.key.edge != name.edge } }
            var map = all[name] ?? map
            for added in resolution.added { map.set(added.key, added.seriesID) }
            all[name] = map
        }
        return resolution.seriesIDs
    }

    /// An edge dictionary as stored, kept in memory until the edge uses another.
    private func keys(of name: DictionaryName) async throws -> SeriesKeyMap {
        var map = SeriesKeyMap()
        let rows = try await client.query(
            "SELECT key, series_id FROM series_keys WHERE edge = \(name.edge) AND dict = \(name.dictionary)", logger: logger)
        for try await (key, id) in rows.decode((Int64, Int64).self) {
            guard let key = UInt32(exactly: key), key < BatchCodec.dictionaryKeyLimit, id >= 0 else {
                throw ReadingStoreError(.schema, "series_keys holds key \(key) → \(id) for \(name.edge)")
            }
            map.set(key, id)
        }
        return dictionaries.withLock { all in
            if let loaded = all[name] { return loaded }  // another ingest loaded it meanwhile
            // One dictionary per edge in memory (an edge has one spool at a time), so an edge
            // that keeps choosing new dictionaries cannot grow the core's memory without bound.
            all = all.filter { $0.key.edge != name.edge }
            all[name] = map
            return map
        }
    }

    /// The database id of each of `series` marked `used` (-1 for the rest), creating missing
    /// series first, outside any transaction: a series row without readings is harmless
    /// (listings skip `count = 0`).
    private func seriesIDs(of series: [Series], used: [Bool]) async throws -> [Int64] {
        var ids = [Int64](repeating: -1, count: series.count)
        var missing: [Series] = []
        seriesIDs.withLock { known in
            for k in used.indices where used[k] {
                if let id = known[series[k]] {
                    ids[k] = id
                } else {
                    missing.append(series[k])
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
            guard let id = found[series[k]] else {
                throw ReadingStoreError(.schema, "series \(series[k]) was not created")
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
