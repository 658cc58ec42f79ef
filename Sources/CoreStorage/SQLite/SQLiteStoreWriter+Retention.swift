import SQLite

extension SQLiteStoreWriter {
    /// Drops raw readings before `rawBefore`, rollup hours that end at or before `rollupBefore`,
    /// and batch keys received before `rollupBefore`.
    ///
    /// The raw horizon moves first, so queries already answer old buckets from rollups while the
    /// blocks go; then one short transaction per series, so ingest waits milliseconds, not for
    /// the whole sweep.
    func applyRetention(rawBefore: Int64, rollupBefore: Int64) throws {
        // Everything stored so far goes into blocks and rollups first, so retention has one
        // place to drop raw readings from, and rollups hold every hour before they go.
        while try compact(maxReadings: options.compaction.roundReadings).readings > 0 {}
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
            "SELECT id, data FROM blocks WHERE series_id = ?1 AND hour = ?2 AND min_ts < ?3")
        let rewrite = try connection.prepare(
            "UPDATE blocks SET count = ?2, min_ts = ?3, data = ?4 WHERE id = ?1")
        let deleteRollups = try connection.prepare("DELETE FROM rollup_1h WHERE series_id = ?1 AND hour <= ?2")
        let rawHour = TimeMath.hourStart(rawBefore)
        let lastDroppedHour = rollupBefore - TimeMath.hour

        // A few hundred series per transaction: ingest waits milliseconds, and a plant with
        // 100,000 series does not pay 100,000 commits.
        let ids = Array(seriesIDs.values).sorted()
        for start in stride(from: 0, to: ids.count, by: 256) {
            try connection.transaction {
                for id in ids[start..<min(ids.count, start + 256)] {
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
        var blocks: [(id: Int64, block: SeriesBlock)] = []
        while try select.step() {
            let blockID = select.int64(at: 0)
            let block = try select.withBlob(at: 1) { try SeriesBlockCodec.decode($0, what: "block \(blockID) of series \(id)") }
            blocks.append((blockID, block))
        }
        select.reset()
        for (blockID, block) in blocks {
            let kept = block.suffix(from: before)
            SeriesBlockCodec.encode(kept, into: &encoded)
            try update.bind(blockID, at: 1)
            try update.bind(kept.count, at: 2)
            try update.bind(kept.ts.first ?? before, at: 3)
            try update.bind(blob: encoded.bytes, at: 4)
            try update.run()
        }
    }
}
