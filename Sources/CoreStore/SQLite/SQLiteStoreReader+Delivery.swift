import SQLite

extension SQLiteStoreReader {
    func delivery(series: Int64, from: Int64, to: Int64, storedSince: Int64) throws -> Delivery {
        guard from < to else { return Delivery() }
        return try snapshot { db in
            let blocks = try db.prepare("""
                SELECT count, ts, seq, stored_at FROM blocks
                WHERE series_id = ?1 AND hour >= ?2 AND hour < ?3 AND max_ts >= ?4 AND min_ts < ?3 AND stored_at >= ?5
                ORDER BY id
                """)
            try blocks.bind(series, at: 1)
            try blocks.bind(TimeMath.hourStart(from), at: 2)
            try blocks.bind(to, at: 3)
            try blocks.bind(from, at: 4)
            try blocks.bind(storedSince, at: 5)
            var ts: [Int64] = []
            var seqs: [Int64] = []
            var delivery = Delivery()
            while try blocks.step() {
                let count = Int(blocks.int64(at: 0))
                let storedAt = blocks.int64(at: 3)
                ts.removeAll(keepingCapacity: true)
                seqs.removeAll(keepingCapacity: true)
                try blocks.withBlob(at: 1) { bytes in try BlockCodec.decodeTimestamps(count: count, bytes, into: &ts) }
                if blocks.isNull(at: 2) {
                    seqs.append(contentsOf: repeatElement(-1, count: count))
                } else {
                    try blocks.withBlob(at: 2) { bytes in try BlockCodec.decodeSeqs(count: count, bytes, into: &seqs) }
                }
                for (t, seq) in zip(ts, seqs) where t >= from && t < to {
                    delivery.ts.append(t)
                    delivery.seq.append(seq)
                    delivery.storedAt.append(storedAt)
                }
            }
            delivery.sortByTime()
            return delivery
        }
    }
}
