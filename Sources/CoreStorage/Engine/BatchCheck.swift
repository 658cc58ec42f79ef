public import Readings

extension Batch {
    /// Checks what a store needs before it keeps a batch: equal column lengths, every `sid`
    /// inside the series list, finite values. A batch that fails is refused whole.
    /// - Throws: ``ReadingStoreError/Code/invalidBatch`` naming the batch and the first problem.
    public func checkForStore() throws(ReadingStoreError) {
        let n = sid.count
        // An empty device-seq column means no reading carries one.
        guard ts.count == n, value.count == n, deviceSeq.isEmpty || deviceSeq.count == n else {
            throw ReadingStoreError(.invalidBatch, "\(edge):\(seq): columns differ in length (sid \(n), ts \(ts.count), value \(value.count), dseq \(deviceSeq.count))")
        }
        guard n <= SeriesBlockCodec.maxReadings else {
            throw ReadingStoreError(.invalidBatch, "\(edge):\(seq): \(n) readings, more than \(SeriesBlockCodec.maxReadings)")
        }
        if let dictionary {
            guard dictionary > 0, seriesKeys.count == series.count else {
                throw ReadingStoreError(.invalidBatch, "\(edge):\(seq): dictionary \(dictionary) with \(seriesKeys.count) keys for \(series.count) definitions")
            }
            var defined = Set<UInt32>(minimumCapacity: seriesKeys.count)
            for key in seriesKeys where key >= BatchCodec.dictionaryKeyLimit || !defined.insert(key).inserted {
                throw ReadingStoreError(.invalidBatch, "\(edge):\(seq): series key \(key) too large or defined twice")
            }
            for (index, s) in sid.enumerated() where s >= BatchCodec.dictionaryKeyLimit {
                throw ReadingStoreError(.invalidBatch, "\(edge):\(seq): sid \(s) at index \(index) is not below the key limit")
            }
        } else {
            let seriesCount = series.count
            for (index, s) in sid.enumerated() where Int(s) >= seriesCount {
                throw ReadingStoreError(.invalidBatch, "\(edge):\(seq): sid \(s) at index \(index) outside its \(seriesCount) series")
            }
        }
        for (index, t) in ts.enumerated() where !TimeMath.plausible.contains(t) {
            throw ReadingStoreError(.invalidBatch, "\(edge):\(seq): ts \(t) at index \(index) is outside 1970–9999")
        }
        for (index, v) in value.enumerated() where !v.isFinite {
            throw ReadingStoreError(.invalidBatch, "\(edge):\(seq): non-finite value at index \(index)")
        }
    }
}
