/// One edge → core batch (DESIGN §3.4): readings in columns, series listed once each.
///
/// `sid`, `ts`, `value` and `deviceSeq` are parallel columns of the same length; `sid[i]` is an
/// index into `series` (batch-local, not a ``SeriesID``). `deviceSeq[i]` is the device's
/// `seq` counter, `-1` when it sent none. Values are always finite.
public struct Batch: Sendable, Equatable {
    /// The edge that sealed the batch, e.g. `"seoul-a"`.
    public var edge: String
    /// The edge's batch counter; with `edge` it is the idempotency key.
    public var seq: Int64
    public var series: [Series]
    public var sid: [UInt32]
    public var ts: [Int64]
    public var value: [Double]
    public var deviceSeq: [Int64]

    public init(
        edge: String, seq: Int64, series: [Series] = [], sid: [UInt32] = [], ts: [Int64] = [],
        value: [Double] = [], deviceSeq: [Int64] = []
    ) {
        self.edge = edge
        self.seq = seq
        self.series = series
        self.sid = sid
        self.ts = ts
        self.value = value
        self.deviceSeq = deviceSeq
    }

    /// The number of readings.
    public var count: Int { sid.count }
}
