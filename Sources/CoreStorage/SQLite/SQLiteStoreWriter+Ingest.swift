import Clocks
import Foundation
import Readings
import SQLite

extension SQLiteStoreWriter {
    /// Stores `batch` and its key in one transaction as one head row, or nothing if the key is
    /// stored already. Cost: one key, one head row, and a series row only for a new series.
    func ingest(_ batch: Batch, receivedAtMillis: Int64) throws -> IngestOutcome {
        let db = try opened()
        var created: [Series: Int64] = [:]
        var keysAdded: (DictionaryName, SeriesKeyMap)?
        var row = HeadRow()
        let storedAtMillis = WallClock.millis()
        let outcome = try db.connection.transaction { () throws -> (IngestOutcome, Int64) in
            let hash = batch.contentHash
            try db.insertBatch.bind(batch.edge, at: 1)
            try db.insertBatch.bind(batch.spool ?? 0, at: 2)
            try db.insertBatch.bind(batch.seq, at: 3)
            try db.insertBatch.bind(receivedAtMillis, at: 4)
            try db.insertBatch.bind(batch.count, at: 5)
            try db.insertBatch.bind(hash, at: 6)
            // Reset even when step throws: a statement left mid-run refuses new bindings.
            let isNew = try { defer { db.insertBatch.reset() }; return try db.insertBatch.step() }()
            guard isNew else {
                try checkSameReadings(batch, hash: hash, db: db)
                return (.duplicate, 0)
            }

            if let dictionary = batch.dictionary {
                let name = DictionaryName(edge: batch.edge, dictionary: dictionary)
                var map = try dictionaries[name] ?? keys(of: name, db: db)
                let definitionIDs = try batch.series.map { try seriesID($0, db: db, created: &created) }
                let resolution = try map.resolve(batch, definitionIDs: definitionIDs)
                for added in resolution.added {
                    try db.insertSeriesKey.bind(batch.edge, at: 1)
                    try db.insertSeriesKey.bind(dictionary, at: 2)
                    try db.insertSeriesKey.bind(Int64(added.key), at: 3)
                    try db.insertSeriesKey.bind(added.seriesID, at: 4)
                    defer { db.insertSeriesKey.reset() }
                    _ = try db.insertSeriesKey.step()
                    map.set(added.key, added.seriesID)
                }
                if !resolution.added.isEmpty { keysAdded = (name, map) }
                row.seriesID = resolution.seriesIDs
            } else {
                // Only the series the readings use: a batch may list more.
                var ids = [Int64](repeating: -1, count: batch.series.count)
                row.seriesID.reserveCapacity(batch.count)
                for sid in batch.sid {
                    let k = Int(sid)
                    if ids[k] < 0 { ids[k] = try seriesID(batch.series[k], db: db, created: &created) }
                    row.seriesID.append(ids[k])
                }
            }
            row.ts = batch.ts
            row.value = batch.value
            row.seq = batch.deviceSeq.isEmpty ? [Int64](repeating: -1, count: batch.count) : batch.deviceSeq.map { max($0, -1) }
            HeadRowCodec.encode(row, into: &encoded)
            let insert = db.insertHead
            try insert.bind(storedAtMillis, at: 1)
            try insert.bind(batch.count, at: 2)
            try insert.bind(blob: encoded.bytes, at: 3)
            defer { insert.reset() }
            guard try insert.step() else { throw ReadingStoreError(.schema, "no id returned for a head row") }
            return (.stored(readings: batch.count), insert.int64(at: 0))
        }
        // Only now: a rolled-back series id could be handed to another series later.
        for (series, id) in created {
            seriesIDs[series] = id
            head.register(id: id, series: series)
        }
        if let (name, map) = keysAdded { dictionaries[name] = map }
        if case .stored = outcome.0 { head.add(headID: outcome.1, storedAt: storedAtMillis, row) }
        return outcome.0
    }

    /// A repeated key is a duplicate only when its readings are the ones stored under it (or
    /// the key predates the hash); otherwise it is another batch with a colliding key.
    private func checkSameReadings(_ batch: Batch, hash: Int64, db: Open) throws {
        let select = db.selectBatchHash
        try select.bind(batch.edge, at: 1)
        try select.bind(batch.spool ?? 0, at: 2)
        try select.bind(batch.seq, at: 3)
        defer { select.reset() }
        guard try select.step(), !select.isNull(at: 0) else { return }
        guard select.int64(at: 0) == hash else { throw ReadingStoreError.conflict(batch) }
    }

    /// An edge dictionary as stored (committed rows only), kept in memory until the edge uses another.
    private func keys(of name: DictionaryName, db: Open) throws -> SeriesKeyMap {
        var map = SeriesKeyMap()
        let select = db.selectSeriesKeys
        try select.bind(name.edge, at: 1)
        try select.bind(name.dictionary, at: 2)
        defer { select.reset() }
        while try select.step() {
            let key = select.int64(at: 0), id = select.int64(at: 1)
            guard let key = UInt32(exactly: key), key < BatchCodec.dictionaryKeyLimit, id >= 0 else {
                throw ReadingStoreError(.schema, "series_keys holds key \(key) → \(id) for \(name.edge)")
            }
            map.set(key, id)
        }
        // One dictionary per edge in memory (an edge has one spool at a time), so an edge that
        // keeps choosing new dictionaries cannot grow the core's memory without bound.
        dictionaries = dictionaries.filter { $0.key.edge != name.edge }
        dictionaries[name] = map
        return map
    }

    private func seriesID(_ series: Series, db: Open, created: inout [Series: Int64]) throws -> Int64 {
        if let id = seriesIDs[series] ?? created[series] { return id }
        let insert = db.insertSeries
        try insert.bind(series.site, at: 1)
        try insert.bind(series.line, at: 2)
        try insert.bind(series.device, at: 3)
        try insert.bind(series.sensor, at: 4)
        try insert.bind(series.unit, at: 5)
        defer { insert.reset() }
        guard try insert.step() else {
            throw ReadingStoreError(.schema, "no id returned for new series \(series)")
        }
        let id = insert.int64(at: 0)
        created[series] = id
        return id
    }

    /// Stores alert notifications not stored before; returns how many were new.
    func ingest(alerts: [AlertRecord]) throws -> Int {
        let db = try opened()
        return try db.connection.transaction { () throws -> Int in
            var stored = 0
            let insert = db.insertAlert
            for alert in alerts {
                try insert.bind(alert.edge, at: 1)
                try insert.bind(alert.alertID, at: 2)
                try insert.bind(alert.notification, at: 3)
                try insert.bind(alert.atMillis, at: 4)
                try insert.bind(alert.rule, at: 5)
                try insert.bind(alert.severity, at: 6)
                try insert.bind(alert.status, at: 7)
                try insert.bind(alert.site, at: 8)
                try insert.bind(alert.line, at: 9)
                try insert.bind(alert.device, at: 10)
                try insert.bind(alert.sensor, at: 11)
                if let value = alert.value { try insert.bind(value, at: 12) } else { try insert.bindNull(at: 12) }
                try insert.bind(alert.startedAtMillis, at: 13)
                if let ended = alert.endedAtMillis { try insert.bind(ended, at: 14) } else { try insert.bindNull(at: 14) }
                try insert.bind(alert.json, at: 15)
                defer { insert.reset() }
                if try insert.step() { stored += 1 }
            }
            return stored
        }
    }
}
