/// What one device published, by `seq`: how many readings carried each seq and when the first of
/// them was published, so `--verify-core` can count, per seq, what the core lost or stored twice
/// and time publish → stored.
///
/// Seqs are kept in plain arrays from the lowest seq seen (a device counts up from where it
/// started), so recording costs no hashing. A device whose seqs spread over more than
/// ``maxSpan`` is counted but not tracked per seq (``isTracked`` false).
public struct DeliveryLedger: Sendable, Equatable {
    /// The most seqs one device's arrays cover (16 M ticks: days of a 100 Hz sensor).
    public static let maxSpan: Int64 = 1 << 24

    /// The seq of index 0 of the arrays; -1 before the first.
    public private(set) var baseSeq: Int64 = -1
    /// Readings published per seq (`baseSeq + index`), duplicates included.
    public private(set) var sent: [UInt32] = []
    /// Wall-clock µs of the first publish of each seq (0: none).
    public private(set) var firstPublishMicros: [Int64] = []
    /// Readings published without a seq (plain-number payloads), or of an untracked seq.
    public private(set) var unnumbered: Int64 = 0
    /// False once a seq fell outside ``maxSpan``: then only totals are comparable.
    public private(set) var isTracked = true

    public init() {}

    /// Readings published per seq in total.
    public var numbered: Int64 { sent.reduce(0) { $0 + Int64($1) } }

    /// Records a message: `readings` spread evenly over the ticks `seqs` (one tick unless an
    /// array payload), published at `micros`. A negative lower bound means no seq.
    public mutating func record(seqs: ClosedRange<Int64>, readings: Int, micros: Int64) {
        guard readings > 0 else { return }
        guard seqs.lowerBound >= 0, isTracked, makeRoom(for: seqs) else {
            unnumbered += Int64(readings)
            return
        }
        let ticks = Int(seqs.upperBound - seqs.lowerBound + 1)
        for (offset, seq) in seqs.enumerated() {
            let index = Int(seq - baseSeq)
            // Spread evenly; an uneven remainder goes to the first ticks.
            sent[index] += UInt32(readings / ticks + (offset < readings % ticks ? 1 : 0))
            if firstPublishMicros[index] == 0 { firstPublishMicros[index] = micros }
        }
    }

    /// The seqs between the lowest and the highest published that were never published (lost
    /// before the broker, malformed, or silent): what a receiver counting this device's `seq`
    /// finds missing if everything published arrives. Nil when not tracked per seq.
    public var unpublishedWithin: Int64? {
        guard isTracked else { return nil }
        guard let first = sent.firstIndex(where: { $0 > 0 }), let last = sent.lastIndex(where: { $0 > 0 }) else { return 0 }
        return Int64(sent[first...last].lazy.filter { $0 == 0 }.count)
    }

    /// The index of `seq`, or nil when it was never published.
    public func index(of seq: Int64) -> Int? {
        guard baseSeq >= 0, seq >= baseSeq, seq - baseSeq < Int64(sent.count) else { return nil }
        let index = Int(seq - baseSeq)
        return sent[index] > 0 ? index : nil
    }

    /// Grows the arrays to cover `seqs`; false (and untracked from now on) past ``maxSpan``.
    private mutating func makeRoom(for seqs: ClosedRange<Int64>) -> Bool {
        if baseSeq < 0 { baseSeq = seqs.lowerBound }
        let low = min(baseSeq, seqs.lowerBound)
        let high = max(baseSeq + Int64(sent.count) - 1, seqs.upperBound)
        guard high - low < Self.maxSpan else {
            isTracked = false
            unnumbered += numbered
            sent = []
            firstPublishMicros = []
            return false
        }
        if low < baseSeq {
            let extra = Int(baseSeq - low)
            sent.insert(contentsOf: repeatElement(0, count: extra), at: 0)
            firstPublishMicros.insert(contentsOf: repeatElement(0, count: extra), at: 0)
            baseSeq = low
        }
        let needed = Int(high - baseSeq + 1)
        if needed > sent.count {
            sent.append(contentsOf: repeatElement(0, count: needed - sent.count))
            firstPublishMicros.append(contentsOf: repeatElement(0, count: needed - firstPublishMicros.count))
        }
        return true
    }

    /// Folds in another connection's record of the same device (normally it has none).
    mutating func merge(_ other: DeliveryLedger) {
        unnumbered += other.unnumbered
        guard other.baseSeq >= 0 else { return }
        guard isTracked, other.isTracked else {
            if isTracked { unnumbered += numbered; sent = []; firstPublishMicros = []; isTracked = false }
            unnumbered += other.numbered
            return
        }
        for (index, count) in other.sent.enumerated() where count > 0 {
            let seq = other.baseSeq + Int64(index)
            let micros = other.firstPublishMicros[index]
            guard isTracked, makeRoom(for: seq...seq) else {
                unnumbered += Int64(count)
                continue
            }
            let mine = Int(seq - baseSeq)
            sent[mine] += count
            if firstPublishMicros[mine] == 0 || (micros != 0 && micros < firstPublishMicros[mine]) { firstPublishMicros[mine] = micros }
        }
    }
}
