import SQLite

extension SQLiteStoreReader {
    func delivery(series: Int64, from: Int64, to: Int64, storedSince: Int64) throws -> Delivery {
        guard from < to else { return Delivery() }
        let recent = head.recent(series)  // before the snapshot, as for readings
        return try snapshot { db in
            var read = SeriesSnapshot()
            read.head = recent?.after(try compactedThrough(db)) ?? SeriesBlock()
            read.blocks = try blocks(db, series: series, range: from..<to)
            return read.delivery(from: from, to: to, storedSince: storedSince)
        }
    }
}
