/// One series' readings of one clock hour, in columns, ascending by `ts` (equal `ts` keep the
/// order they were stored in): what a compacted block holds once decoded.
struct SeriesBlock: Sendable, Equatable {
var ts: [Int64] = []
var value: [Double] = []
    /// Each reading's device `seq` (-1: none).
var seq: [Int64] = []
    /// When the core stored each reading (epoch ms).
var storedAt: [Int64] = []

init() {}

init(ts: [Int64], value: [Double], seq: [Int64], storedAt: [Int64]) {
        self.ts = ts
        self.value = value
        self.seq = seq
        self.storedAt = storedAt
    }

var count: Int { ts.count }

    mutating func reserve(_ n: Int) {
        ts.reserveCapacity(n)
        value.reserveCapacity(n)
        seq.reserveCapacity(n)
        storedAt.reserveCapacity(n)
    }

    mutating func append(ts t: Int64, value v: Double, seq s: Int64, storedAt at: Int64) {
        ts.append(t)
        value.append(v)
        seq.append(s)
        storedAt.append(at)
    }

    /// `self` followed by `newer`, merged by `ts`; on equal `ts` the readings of `self` (stored
    /// earlier) come first, so "last" keeps meaning the one stored last.
    func merged(with newer: SeriesBlock) -> SeriesBlock {
        if newer.count == 0 { return self }
        if count == 0 || ts[count - 1] <= newer.ts[0] {
            var out = self
            out.ts.append(contentsOf: newer.ts)
            out.value.append(contentsOf: newer.value)
            out.seq.append(contentsOf: newer.seq)
            out.storedAt.append(contentsOf: newer.storedAt)
            return out
        }
        var out = SeriesBlock()
        out.reserve(count + newer.count)
        var i = 0
        var j = 0
        while i < count || j < newer.count {
            if j == newer.count || (i < count && ts[i] <= newer.ts[j]) {
                out.append(ts: ts[i], value: value[i], seq: seq[i], storedAt: storedAt[i])
                i += 1
            } else {
                out.append(ts: newer.ts[j], value: newer.value[j], seq: newer.seq[j], storedAt: newer.storedAt[j])
                j += 1
            }
        }
        return out
    }

    /// The readings with `ts >= start` (the block is sorted, so they are a suffix).
    func suffix(from start: Int64) -> SeriesBlock {
        let keep = ts.firstIndex { $0 >= start } ?? count
        return SeriesBlock(
            ts: Array(ts[keep...]), value: Array(value[keep...]), seq: Array(seq[keep...]),
            storedAt: Array(storedAt[keep...]))
    }
}
