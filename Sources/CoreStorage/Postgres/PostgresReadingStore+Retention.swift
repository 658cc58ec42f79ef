import NIOCore
import PostgresNIO

extension PostgresReadingStore {
    /// As on SQLite: everything is compacted first (so rollups hold every hour and blocks are
    /// the one place raw readings live), the raw horizon moves and commits alone (queries then
    /// answer old buckets from rollups), then old blocks, rollups and keys go, set-based.
    public func applyRetention(rawBefore: Int64, rollupBefore: Int64) async throws {
        _ = try await compact()
        let logger = self.logger
        let horizon = PostgresStoreSchema.MetaKey.rawHorizon
        try await transaction { connection in
            try await connection.query("""
                INSERT INTO meta(key, value) VALUES (\(horizon), \(rawBefore))
                ON CONFLICT (key) DO UPDATE SET value = GREATEST(meta.value, excluded.value)
                """, logger: logger).drain()
        }
        let rawHour = TimeMath.hourStart(rawBefore)
        try await transaction { connection in
            // Not beside a compaction round: it may be merging into a block this drops or trims.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(PostgresStoreSchema.compactionLock))", logger: logger
            ).drain()
            try await connection.query(
                "DELETE FROM blocks WHERE hour <= \(rawHour) AND max_ts < \(rawBefore)", logger: logger
            ).drain()
            // Blocks of the horizon's hour holding readings on both sides keep the newer part.
            var trimmed: [PostgresBlockWrite] = []
            let rows = try await connection.query(
                "SELECT id, series_id, data FROM blocks WHERE hour = \(rawHour) AND min_ts < \(rawBefore)", logger: logger)
            for try await (id, series, data) in rows.decode((Int64, Int64, ByteBuffer).self) {
                let block = try data.withUnsafeReadableBytes { try SeriesBlockCodec.decode($0, what: "block \(id) of series \(series)") }
                trimmed.append(PostgresBlockWrite(id: id, seriesID: series, hour: rawHour, block: block.suffix(from: rawBefore)))
            }
            try await self.write(trimmed, on: connection)
            try await connection.query(
                "DELETE FROM rollup_1h WHERE hour <= \(rollupBefore - TimeMath.hour)", logger: logger
            ).drain()
            try await connection.query("DELETE FROM batches WHERE received_at < \(rollupBefore)", logger: logger).drain()
        }
        logger.info("retention applied", metadata: ["raw_before": "\(rawBefore)", "rollup_before": "\(rollupBefore)"])
    }
}
