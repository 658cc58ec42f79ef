/// A receiver's copy of one sender's series dictionary (``Batch/dictionary``): what each key
/// means. Keys are below ``BatchCodec/dictionaryKeyLimit``, so memory is bounded by what the
/// sender defined.
///
/// ```swift
/// var dictionary = SeriesDictionary(id: batch.dictionary!)
/// try dictionary.define(batch.definitions)
/// let inline = try dictionary.inline(batch)   // sid now indexes inline.series
/// ```
public struct SeriesDictionary: Sendable, Equatable {
    /// What a batch asked of the dictionary that it cannot give.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The batch uses keys nobody defined (the receiver lost the dictionary, or never had it).
        case unknownKeys([UInt32])
        /// A definition gives a key another series than it already has.
        case redefined(key: UInt32, was: Series, now: Series)

        public var description: String {
            switch self {
            case .unknownKeys(let keys):
                "\(keys.count) unknown series key(s): " + keys.prefix(8).map(String.init).joined(separator: ", ") + (keys.count > 8 ? ", …" : "")
            case .redefined(let key, let was, let now): "series key \(key) means \(was), not \(now)"
            }
        }
    }

    public let id: Int64
    public private(set) var byKey: [UInt32: Series] = [:]

    public init(id: Int64) {
        self.id = id
    }

    /// Records definitions; a repeat of a known one is fine, a different meaning is refused
    /// (and nothing of this call is recorded).
    public mutating func define(_ definitions: [SeriesDefinition]) throws(Failure) {
        for definition in definitions {
            if let known = byKey[definition.key], known != definition.series {
                throw .redefined(key: definition.key, was: known, now: definition.series)
            }
        }
        for definition in definitions { byKey[definition.key] = definition.series }
    }

    /// The batch with its series inline (`sid` indexing `series`), after recording its definitions.
    /// An inline batch is returned as it is.
    /// - Throws: ``Failure/unknownKeys(_:)`` listing every key used but never defined, sorted.
    public mutating func inline(_ batch: Batch) throws(Failure) -> Batch {
        guard batch.dictionary != nil else { return batch }
        try define(batch.definitions)
        var index: [UInt32: UInt32] = [:]
        var series: [Series] = []
        var unknown = Set<UInt32>()
        var sid: [UInt32] = []
        sid.reserveCapacity(batch.count)
        for key in batch.sid {
            if let local = index[key] {
                sid.append(local)
            } else if let known = byKey[key] {
                let local = UInt32(series.count)
                series.append(known)
                index[key] = local
                sid.append(local)
            } else {
                unknown.insert(key)
            }
        }
        guard unknown.isEmpty else { throw .unknownKeys(unknown.sorted()) }
        var inline = Batch(edge: batch.edge, seq: batch.seq, series: series, sid: sid, ts: batch.ts, value: batch.value, deviceSeq: batch.deviceSeq)
        inline.received = batch.received
        return inline
    }
}
