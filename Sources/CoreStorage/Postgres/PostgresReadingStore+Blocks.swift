import NIOCore
import PostgresNIO

/// A block to write: one series' readings of one hour (sorted, non-empty), new or replacing
/// the block `id`.
struct PostgresBlockWrite {
    var id: Int64?
    var seriesID: Int64
    var hour: Int64
    var block: SeriesBlock
}

extension PostgresReadingStore {
    /// Blocks per statement: bounds one statement's parameters (each block is ~0.1–10 KB).
    static let blocksPerStatement = 2_000

    /// Inserts the new blocks and rewrites the existing ones, a few thousand per statement
    /// (`unnest` over `bytea[]`), on `connection` inside the caller's transaction.
    func write(_ writes: [PostgresBlockWrite], on connection: PostgresConnection) async throws {
        var encoded = ColumnWriter(capacity: 1 << 16)
        for start in stride(from: 0, to: writes.count, by: Self.blocksPerStatement) {
            var newSeries: [Int64] = [], newHour: [Int64] = [], newCount: [Int32] = []
            var newMin: [Int64] = [], newMax: [Int64] = [], newData: [ByteBuffer] = []
            var oldID: [Int64] = [], oldCount: [Int32] = [], oldMin: [Int64] = [], oldMax: [Int64] = []
            var oldData: [ByteBuffer] = []
            for write in writes[start..<min(writes.count, start + Self.blocksPerStatement)] {
                SeriesBlockCodec.encode(write.block, into: &encoded)
                let data = ByteBuffer(bytes: encoded.bytes)
                let block = write.block
                if let id = write.id {
                    oldID.append(id)
                    oldCount.append(Int32(block.count))
                    oldMin.append(block.ts[0])
                    oldMax.append(block.ts[block.count - 1])
                    oldData.append(data)
                } else {
                    newSeries.append(write.seriesID)
                    newHour.append(write.hour)
                    newCount.append(Int32(block.count))
                    newMin.append(block.ts[0])
                    newMax.append(block.ts[block.count - 1])
                    newData.append(data)
                }
            }
            if !newSeries.isEmpty {
                try await connection.query("""
                    INSERT INTO blocks(series_id, hour, count, min_ts, max_ts, data)
                    SELECT * FROM unnest(\(newSeries)::bigint[], \(newHour)::bigint[], \(newCount)::integer[],
                        \(newMin)::bigint[], \(newMax)::bigint[], \(newData)::bytea[])
                    """, logger: logger).drain()
            }
            if !oldID.isEmpty {
                try await connection.query("""
                    UPDATE blocks AS b SET count = u.count, min_ts = u.min_ts, max_ts = u.max_ts, data = u.data
                    FROM unnest(\(oldID)::bigint[], \(oldCount)::integer[], \(oldMin)::bigint[], \(oldMax)::bigint[],
                        \(oldData)::bytea[]) AS u(id, count, min_ts, max_ts, data)
                    WHERE b.id = u.id
                    """, logger: logger).drain()
            }
        }
    }

    /// The blocks of `series` that may hold readings in `range`, decoded, in storage order.
    /// Each block of `series` that may hold readings in `range`, decoded, in storage order;
    /// with a `budget`, only as far as its page needs.
    func blocks(_ connection: PostgresConnection, series: Int64, range: Range<Int64>, budget: BlockBudget? = nil) async throws -> [SeriesBlock] {
        guard !range.isEmpty else { return [] }
        var budget = budget
        let rows = try await connection.query("""
            SELECT id, data, hour FROM blocks
            WHERE series_id = \(series) AND hour >= \(TimeMath.hourStart(range.lowerBound)) AND hour < \(range.upperBound)
                AND max_ts >= \(range.lowerBound) AND min_ts < \(range.upperBound)
            ORDER BY hour, id
            """, logger: logger)
        var out: [SeriesBlock] = []
        for try await (id, data, hour) in rows.decode((Int64, ByteBuffer, Int64).self) {
            // Rows past the budget are still read off the connection (a query's rows must be
            // consumed), but not decoded.
            if let budget, !budget.wants(hour: hour) { continue }
            let block = try data.withUnsafeReadableBytes { try SeriesBlockCodec.decode($0, what: "block \(id) of series \(series)") }
            budget?.took(block, hour: hour)
            out.append(block)
        }
        return out
    }

    /// Schemas 1–2 kept a `readings` table (one row per reading): converts its rows into blocks
    /// of at most ``CompactionPolicy/blockReadings`` per series and hour, then drops it. Runs in
    /// the opening transaction, a few hundred series at a time so memory stays bounded.
    func convertReadingsTable(_ connection: PostgresConnection) async throws {
        var exists = false
        for try await value in try await connection.query("SELECT to_regclass('readings') IS NOT NULL", logger: logger)
            .decode(Bool.self)
        {
            exists = value
        }
        guard exists else { return }
        for statement in PostgresStoreSchema.readingsUpgrade {
            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).drain()
        }
        var seriesIDs: [Int64] = []
        for try await id in try await connection.query("SELECT DISTINCT series_id FROM readings ORDER BY 1", logger: logger)
            .decode(Int64.self)
        {
            seriesIDs.append(id)
        }
        var converted = 0
        for start in stride(from: 0, to: seriesIDs.count, by: 256) {
            let chunk = Array(seriesIDs[start..<min(seriesIDs.count, start + 256)])
            var writes: [PostgresBlockWrite] = []
            var current: PostgresBlockWrite?
            // Equal ts keep no stored order in schema 2; ordering by store time keeps "last" stable.
            let rows = try await connection.query("""
                SELECT series_id, ts, value, dseq, stored_at FROM readings WHERE series_id = ANY(\(chunk))
                ORDER BY series_id, ts, stored_at
                """, logger: logger)
            for try await (series, ts, value, seq, storedAt) in rows.decode((Int64, Int64, Double, Int64, Int64).self) {
                let hour = TimeMath.hourStart(ts)
                if let open = current, open.seriesID != series || open.hour != hour || open.block.count >= policy.blockReadings {
                    writes.append(open)
                    current = nil
                }
                if current == nil { current = PostgresBlockWrite(id: nil, seriesID: series, hour: hour, block: SeriesBlock()) }
                current?.block.append(ts: ts, value: value, seq: seq, storedAt: storedAt)
                converted += 1
            }
            if let open = current { writes.append(open) }
            try await write(writes, on: connection)
        }
        try await connection.query("DROP TABLE readings", logger: logger).drain()
        logger.info("converted the readings table into blocks (schema 3)", metadata: ["readings": "\(converted)"])
    }
}
