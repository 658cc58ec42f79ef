import Foundation
import Readings
import SQLite

extension SQLiteStoreWriter {
    /// Stores `batch` (regrouped as `layout`) and its key in one transaction, or nothing if the
    /// key is stored already.
    func ingest(_ batch: Batch, layout: BatchLayout, receivedAtMillis: Int64) throws -> IngestOutcome {
        let db = try opened()
        var created: [Series: Int64] = [:]
        let outcome = try db.connection.transaction { () throws -> IngestOutcome in
            // When this writer got to the batch (after any queue): what `GET /api/v1/delivery`
            // reports as stored_at; the commit follows within the same call.
            let storedAtMillis = Self.wallMillis()
            try db.insertBatch.bind(batch.edge, at: 1)
            try db.insertBatch.bind(batch.seq, at: 2)
            try db.insertBatch.bind(receivedAtMillis, at: 3)
            try db.insertBatch.bind(batch.count, at: 4)
            // Reset even when step throws: a statement left mid-run refuses new bindings.
            let isNew = try { defer { db.insertBatch.reset() }; return try db.insertBatch.step() }()
            guard isNew else { return .duplicate }

            var ids = [Int64](repeating: -1, count: batch.series.count)
            for totals in layout.totals {
                let series = batch.series[totals.series]
                ids[totals.series] = try seriesID(series, db: db, created: &created)
            }
            for run in layout.runs {
                try insertBlock(run, id: ids[run.series], layout: layout, storedAtMillis: storedAtMillis, db: db)
            }
            for totals in layout.totals {
                let update = db.updateSummary
                try update.bind(ids[totals.series], at: 1)
                try update.bind(totals.count, at: 2)
                try update.bind(totals.firstTs, at: 3)
                try update.bind(totals.lastTs, at: 4)
                try update.bind(totals.lastValue, at: 5)
                try update.run()
            }
            return .stored(readings: batch.count)
        }
        // Only now: a rolled-back series id could be handed to another series later.
        seriesIDs.merge(created) { old, _ in old }
        return outcome
    }

    static func wallMillis() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000 + Int64(now.tv_nsec) / 1_000_000
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

    private func insertBlock(_ run: BatchLayout.Run, id: Int64, layout: BatchLayout, storedAtMillis: Int64, db: Open) throws {
        layout.ts.withUnsafeBufferPointer {
            BlockCodec.encodeTimestamps(UnsafeBufferPointer(rebasing: $0[run.range]), into: &timestampBytes)
        }
        layout.value.withUnsafeBufferPointer {
            BlockCodec.encodeValues(UnsafeBufferPointer(rebasing: $0[run.range]), into: &valueBytes)
        }
        let minTs = layout.ts[run.range.lowerBound]
        let maxTs = layout.ts[run.range.upperBound - 1]
        let block = db.insertBlock
        try block.bind(id, at: 1)
        try block.bind(run.hour, at: 2)
        try block.bind(run.count, at: 3)
        try block.bind(minTs, at: 4)
        try block.bind(maxTs, at: 5)
        try block.bind(blob: timestampBytes, at: 6)
        try block.bind(blob: valueBytes, at: 7)
        if layout.hasDeviceSeq {
            layout.deviceSeq.withUnsafeBufferPointer {
                BlockCodec.encodeSeqs(UnsafeBufferPointer(rebasing: $0[run.range]), into: &seqBytes)
            }
            try block.bind(blob: seqBytes, at: 8)
        } else {
            try block.bindNull(at: 8)
        }
        try block.bind(storedAtMillis, at: 9)
        try block.run()

        let rollup = db.upsertRollup
        try rollup.bind(id, at: 1)
        try rollup.bind(run.hour, at: 2)
        try rollup.bind(run.count, at: 3)
        try rollup.bind(run.sum, at: 4)
        try rollup.bind(run.min, at: 5)
        try rollup.bind(run.max, at: 6)
        try rollup.bind(run.last, at: 7)
        try rollup.bind(maxTs, at: 8)
        try rollup.run()
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
