public import Readings

/// One edge dictionary's keys (``Batch/dictionary``) mapped to the store's series ids, as both
/// backends keep it in memory (and in their `series_keys` table): an array indexed by key, so a
/// dictionary batch costs one array load per reading instead of hashing five strings per series.
///
/// Keys are below ``BatchCodec/dictionaryKeyLimit``; the array grows only to the largest key
/// defined, so a dictionary costs at most 8 bytes per key its edge defined or skipped.
public struct SeriesKeyMap: Sendable, Equatable {
    /// Store series id per key; -1 where the key is not defined.
    private var ids: [Int64] = []

    public init() {}

    /// The store's series id for `key`, or nil when the dictionary does not define it.
    public subscript(key: UInt32) -> Int64? {
        let index = Int(key)
        guard index < ids.count, ids[index] >= 0 else { return nil }
        return ids[index]
    }

    public mutating func set(_ key: UInt32, _ id: Int64) {
        precondition(key < BatchCodec.dictionaryKeyLimit && id >= 0, "key or id out of range")
        let index = Int(key)
        if index >= ids.count { ids.append(contentsOf: repeatElement(-1, count: index + 1 - ids.count)) }
        ids[index] = id
    }

    /// How a dictionary batch's readings map to store series.
    public struct Resolution: Sendable, Equatable {
        /// The store series id of each reading.
        public var seriesIDs: [Int64]
        /// Definitions new to this map, to store with the batch and then ``set(_:_:)``.
        public var added: [Added]
    }

    public struct Added: Sendable, Equatable {
        public var key: UInt32
        public var seriesID: Int64
    }

    /// Maps a dictionary batch's readings to store series ids.
    ///
    /// - Parameter definitionIDs: the store id of each of the batch's definitions (`batch.series`).
    /// - Throws: ``ReadingStoreError/Code/unknownSeries`` for keys neither known nor defined here
    ///   (the edge then sends the batch again with every key defined), and
    ///   ``ReadingStoreError/Code/invalidBatch`` for a definition that gives a key another series.
    public func resolve(_ batch: Batch, definitionIDs: [Int64]) throws(ReadingStoreError) -> Resolution {
        precondition(definitionIDs.count == batch.seriesKeys.count, "one id per definition")
        let name = "\(batch.edge):\(batch.seq)"
        var local = self
        var added: [Added] = []
        for (key, id) in zip(batch.seriesKeys, definitionIDs) {
            if let known = local[key] {
                guard known == id else {
                    throw ReadingStoreError(.invalidBatch, "\(name): series key \(key) of dictionary \(batch.dictionary ?? 0) already means another series (store id \(known))")
                }
            } else {
                local.set(key, id)
                added.append(Added(key: key, seriesID: id))
            }
        }
        var seriesIDs: [Int64] = []
        seriesIDs.reserveCapacity(batch.count)
        var unknown: Set<UInt32> = []
        for key in batch.sid {
            let index = Int(key)
            if index < local.ids.count, local.ids[index] >= 0 {
                seriesIDs.append(local.ids[index])
            } else {
                unknown.insert(key)
            }
        }
        guard unknown.isEmpty else {
            let keys = unknown.sorted()
            throw ReadingStoreError(.unknownSeries, "\(name): \(keys.count) series key(s) of dictionary \(batch.dictionary ?? 0) unknown here (" + keys.prefix(8).map(String.init).joined(separator: ", ") + (keys.count > 8 ? ", …" : "") + "); send them defined")
        }
        return Resolution(seriesIDs: seriesIDs, added: added)
    }
}

/// Which edge dictionary: the edge and the dictionary id its spool chose.
public struct DictionaryName: Hashable, Sendable {
    public var edge: String
    public var dictionary: Int64

    public init(edge: String, dictionary: Int64) {
        self.edge = edge
        self.dictionary = dictionary
    }
}
