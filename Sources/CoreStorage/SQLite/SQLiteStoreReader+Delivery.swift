import SQLite

extension SQLiteStoreReader {
    func delivery(series: Int64, from: Int64, to: Int64, storedSince: Int64, limit: Int) throws -> Delivery {
        guard from < to else { return Delivery() }
        let recent = head.recent(series)  // before the snapshot, as for readings
        return try snapshot { db in
            var read = SeriesSnapshot()
            read.head = recent?.after(try compactedThrough(db)) ?? SeriesBlock()
            // The budget counts every row in range; rows stored before `storedSince` only make
            // the read go a little further than needed.
            var budget: BlockBudget? = BlockBudget(limit: limit, range: from..<to)
            read.blocks = try blocks(db, series: series, range: from..<to, budget: &budget)
            return read.delivery(from: from, to: to, storedSince: storedSince, limit: limit)
        }
    }
}
