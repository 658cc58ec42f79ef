import SQLite

extension SQLiteStoreReader {
    func delivery(series: Int64, from: Int64, to: Int64, storedSince: Int64) throws -> Delivery {
        guard from < to else { return Delivery() }
        let recent = head.recent(series)
        return try snapshot { db in
            let fresh = recent?.after(try compactedThrough(db)) ?? SeriesBlock()
            var delivery = Delivery()
            let keep = { (block: SeriesBlock) in
                for i in 0..<block.count where block.ts[i] >= from && block.ts[i] < to && block.storedAt[i] >= storedSince {
                    delivery.ts.append(block.ts[i])
                    delivery.seq.append(block.seq[i])
                    delivery.storedAt.append(block.storedAt[i])
                }
            }
            try forEachBlock(db, series: series, range: from..<to, keep)
            keep(fresh)
            delivery.sortByTime()
            return delivery
        }
    }
}
