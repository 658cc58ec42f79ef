/// One edge → core batch (DESIGN §3.4): readings in columns, series named once each.
///
/// `sid`, `ts`, `value` and `deviceSeq` are parallel columns of the same length. `deviceSeq[i]`
/// is the device's `seq` counter, `-1` when it sent none. Values are always finite.
///
/// A batch names its series in one of two ways:
/// - **inline** (`dictionary == nil`): `series` lists every series the batch uses and `sid[i]`
///   indexes it (batch-local);
/// - **by dictionary** (`dictionary != nil`): `sid[i]` is a key of the sender's series dictionary
///   (an edge's spool numbers its series once, for the spool's life), and `series[j]` defines key
///   `seriesKeys[j]` — only the series the receiver may not know yet. A receiver that does not
///   know a key answers so (409 at the core) and the sender sends the batch again with every key
///   defined, so each batch stays re-sendable to a core that lost or never had the dictionary.
public struct Batch: Sendable, Equatable {
    /// The edge that sealed the batch, e.g. `"seoul-a"`.
    public var edge: String
    /// The edge's batch counter, counting from 1 in each spool file.
    public var seq: Int64
    /// The spool file that sealed the batch: a random positive id chosen when the file was
    /// created. `(edge, spool, seq)` is the batch's identity (``idempotencyKey``), so a replaced
    /// or deleted spool, whose numbering starts at 1 again, never collides with batches the core
    /// stored before. Nil from edges before spool ids: their batches are keyed `(edge, seq)`.
    public var spool: Int64?
    /// The sender's series dictionary (a random, positive id chosen when its spool was created),
    /// or nil for an inline batch.
    public var dictionary: Int64?
    /// Inline: the series `sid` indexes. By dictionary: definitions, for `seriesKeys`.
    public var series: [Series]
    /// By dictionary: the key each entry of `series` defines (same length). Inline: empty.
    public var seriesKeys: [UInt32]
    public var sid: [UInt32]
    public var ts: [Int64]
    public var value: [Double]
    public var deviceSeq: [Int64]
    /// When the edge took the readings, on its wall clock (epoch milliseconds): from when the
    /// oldest entered its spool to when the batch was sealed. The core compares the devices'
    /// `ts` with it to tell a device whose clock is off. Nil from edges before it was sent.
    public var received: ClosedRange<Int64>?

    /// An inline batch.
    public init(
        edge: String, seq: Int64, spool: Int64? = nil, series: [Series] = [], sid: [UInt32] = [], ts: [Int64] = [],
        value: [Double] = [], deviceSeq: [Int64] = []
    ) {
        self.edge = edge
        self.seq = seq
        self.spool = spool
        self.dictionary = nil
        self.series = series
        self.seriesKeys = []
        self.sid = sid
        self.ts = ts
        self.value = value
        self.deviceSeq = deviceSeq
        self.received = nil
    }

    /// A batch whose `sid` holds keys of `dictionary`, defining the keys in `definitions`.
    public init(
        edge: String, seq: Int64, spool: Int64? = nil, dictionary: Int64, definitions: [SeriesDefinition] = [],
        sid: [UInt32] = [], ts: [Int64] = [], value: [Double] = [], deviceSeq: [Int64] = []
    ) {
        self.init(edge: edge, seq: seq, spool: spool, series: definitions.map(\.series), sid: sid, ts: ts, value: value, deviceSeq: deviceSeq)
        self.dictionary = dictionary
        self.seriesKeys = definitions.map(\.key)
    }

    /// The number of readings.
    public var count: Int { sid.count }

    /// `edge:spool:seq`, or `edge:seq` without a spool id: the `Idempotency-Key` of the batch.
    public var idempotencyKey: String { Self.idempotencyKey(edge: edge, spool: spool, seq: seq) }

    /// The one spelling of a batch's key, for the edge that sends it and the core that checks it.
    public static func idempotencyKey(edge: String, spool: Int64?, seq: Int64) -> String {
        spool.map { "\(edge):\($0):\(seq)" } ?? "\(edge):\(seq)"
    }

    /// A 64-bit FNV-1a hash of the readings (`sid`, `ts`, `value` bits, `deviceSeq`): what a resend
    /// of the same batch keeps, whatever series definitions the sender added. The core keeps it
    /// with the key and refuses a key that comes again with other readings.
    public var contentHash: Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func mix(_ word: UInt64) {
            var word = word
            for _ in 0..<8 {
                hash = (hash ^ (word & 0xff)) &* 0x0000_0100_0000_01B3
                word >>= 8
            }
        }
        mix(UInt64(count))
        for s in sid { mix(UInt64(s)) }
        for t in ts { mix(UInt64(bitPattern: t)) }
        for v in value { mix(v.bitPattern) }
        for d in deviceSeq { mix(UInt64(bitPattern: max(d, -1))) }
        return Int64(bitPattern: hash)
    }

    /// By dictionary: the keys defined here with their series. Inline: empty.
    public var definitions: [SeriesDefinition] {
        zip(seriesKeys, series).map { SeriesDefinition(key: $0, series: $1) }
    }
}

/// One entry of a series dictionary: `key` means `series` (for the dictionary's whole life).
public struct SeriesDefinition: Sendable, Hashable {
    public var key: UInt32
    public var series: Series

    public init(key: UInt32, series: Series) {
        self.key = key
        self.series = series
    }
}
