import SQLite

extension SQLiteStoreWriter {
    /// Drops raw readings before `rawBefore`, rollup hours that end at or before `rollupBefore`,
    /// and batch keys received before `rollupBefore`.
    ///
    /// The raw horizon moves first, so queries already answer old buckets from rollups while the
    /// blocks go; then one short transaction per series, so ingest waits milliseconds, not for
    /// the whole sweep.
    func applyRetention(rawBefore: Int64, rollupBefore: Int64) throws {
        let db = try opened()
        let connection = db.connection
        try connection.transaction {
            let horizon = try connection.prepare("""
                INSERT INTO meta(key, value) VALUES ('\(SQLiteStoreSchema.MetaKey.rawHorizon)', ?1)
                ON CONFLICT(key) DO UPDATE SET value = max(value, excluded.value)
                """)
            try horizon.bind(rawBefore, at: 1)
            try horizon.run()
        }
        let deleteBlocks = try connection.prepare(
            "DELETE FROM blocks WHERE series_id = ?1 AND hour <= ?2 AND max_ts < ?3")
        let straddling = try connection.prepare(
            "SELECT id, count, ts, value FROM blocks WHERE series_id = ?1 AND hour = ?2 AND min_ts < ?3")
        let rewrite = try connection.prepare(
            "UPDATE blocks SET count = ?2, min_ts = ?3, ts = ?4, value = ?5 WHERE id = ?1")
        let deleteRollups = try connection.prepare("DELETE FROM rollup_1h WHERE series_id = ?1 AND hour <= ?2")
        let rawHour = TimeMath.hourStart(rawBefore)
        let lastDroppedHour = rollupBefore - TimeMath.hour

        for id in Array(seriesIDs.values).sorted() {
            try connection.transaction {
                try deleteBlocks.bind(id, at: 1)
                try deleteBlocks.bind(rawHour, at: 2)
                try deleteBlocks.bind(rawBefore, at: 3)
                try deleteBlocks.run()
                try trimStraddling(id: id, hour: rawHour, before: rawBefore, select: straddling, update: rewrite)
                try deleteRollups.bind(id, at: 1)
                try deleteRollups.bind(lastDroppedHour, at: 2)
                try deleteRollups.run()
            }
        }
        try connection.transaction {
            let keys = try connection.prepare("DELETE FROM batches WHERE received_at < ?1")
            try keys.bind(rollupBefore, at: 1)
            try keys.run()
        }
    }

    /// Rewrites the blocks of `hour` that hold readings on both sides of `before`.
    private func trimStraddling(
        id: Int64, hour: Int64, before: Int64, select: SQLiteStatement, update: SQLiteStatement
    ) throws {
        try select.bind(id, at: 1)
        try select.bind(hour, at: 2)
        try select.bind(before, at: 3)
        var blocks: [(id: Int64, ts: [Int64], values: [Double])] = []
        while try select.step() {
            var ts: [Int64] = []
            var values: [Double] = []
            let count = Int(select.int64(at: 1))
            try select.withBlob(at: 2) { timestamps in
                try select.withBlob(at: 3) { raw in
                    try BlockCodec.decode(count: count, timestamps: timestamps, values: raw, into: &ts, &values)
                }
            }
            blocks.append((select.int64(at: 0), ts, values))
        }
        select.reset()
        for block in blocks {
            // Blocks are sorted, so the kept readings are a suffix.
            let keep = block.ts.firstIndex { $0 >= before } ?? block.ts.count
            let ts = Array(block.ts[keep...])
            let values = Array(block.values[keep...])
            ts.withUnsafeBufferPointer { BlockCodec.encodeTimestamps($0, into: &timestampBytes) }
            values.withUnsafeBufferPointer { BlockCodec.encodeValues($0, into: &valueBytes) }
            try update.bind(block.id, at: 1)
            try update.bind(ts.count, at: 2)
            try update.bind(ts.first ?? before, at: 3)
            try update.bind(blob: timestampBytes, at: 4)
            try update.bind(blob: valueBytes, at: 5)
            try update.run()
        }
    }
}
