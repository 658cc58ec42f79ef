import Readings

/// The readings of the batch being filled, in memory, with the sealing rule.
///
/// Pure value type, no I/O: the `Spool` mirrors it in the `chunks` table. Series are the spool's
/// persistent series ids. Readings are sealed into batches by count (`maxReadings`) or by the age
/// of the open batch (`maxAgeMillis`, measured on the wall clock from when its first reading
/// was committed).
struct OpenBatch {
    var sid: [Int64] = []
    var ts: [Int64] = []
    var value: [Double] = []
    var dseq: [Int64] = []
    /// When the oldest reading still open entered the spool.
    var openedAtMillis: Int64?
    /// How many of the open readings are already stored in `chunks`.
    var persisted = 0

    var count: Int { ts.count }
    var isEmpty: Bool { ts.isEmpty }

    mutating func append(sid: Int64, ts: Int64, value: Double, dseq: Int64, nowMillis: Int64) {
        if openedAtMillis == nil { openedAtMillis = nowMillis }
        self.sid.append(sid)
        self.ts.append(ts)
        self.value.append(value)
        self.dseq.append(dseq)
    }

    /// How many readings to seal now (from the front), or 0. Call repeatedly until 0.
    func readingsToSeal(nowMillis: Int64, maxReadings: Int, maxAgeMillis: Int64) -> Int {
        if count >= maxReadings { return maxReadings }
        if let openedAtMillis, !isEmpty, nowMillis - openedAtMillis >= maxAgeMillis { return count }
        return 0
    }

    /// Removes the first `n` readings and returns them; the rest stays open from `nowMillis`.
    mutating func removeFirst(_ n: Int, nowMillis: Int64) -> SealedColumns {
        let sealed = SealedColumns(
            sid: Array(sid[..<n]), ts: Array(ts[..<n]), value: Array(value[..<n]), dseq: Array(dseq[..<n]),
            openedAtMillis: openedAtMillis ?? nowMillis)
        sid.removeFirst(n)
        ts.removeFirst(n)
        value.removeFirst(n)
        dseq.removeFirst(n)
        persisted = max(0, persisted - n)
        openedAtMillis = isEmpty ? nil : nowMillis
        return sealed
    }
}

/// The readings of one batch being sealed.
struct SealedColumns {
    var sid: [Int64]
    var ts: [Int64]
    var value: [Double]
    var dseq: [Int64]
    /// When the oldest of them entered the spool (wall clock).
    var openedAtMillis: Int64

    /// From when the oldest entered the spool to `sealedMillis`, clamped to what a batch carries
    /// (a wall clock set back between the two gives an empty window at `sealedMillis`).
    func receivedWindow(sealedMillis: Int64) -> ClosedRange<Int64> {
        let to = min(max(sealedMillis, 0), BatchCodec.maxReceivedMillis)
        return min(max(openedAtMillis, 0), to)...to
    }
}
