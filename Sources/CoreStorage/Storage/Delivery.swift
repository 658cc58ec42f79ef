/// What the core holds of one series for an end-to-end delivery check (`GET /api/v1/delivery`):
/// per stored reading its `ts`, the device's `seq` and when the core stored it, so a sender that
/// numbered its readings can count what was lost, what was stored twice, and how long storing took.
///
/// The three columns are parallel and ascending by `ts` (equal `ts` in storage order).
public struct Delivery: Sendable, Equatable {
    /// Epoch milliseconds of each reading.
    public var ts: [Int64] = []
    /// The device's `seq` counter of each reading; -1 when it sent none.
    public var seq: [Int64] = []
    /// When the core stored each reading (epoch ms; 0 for readings stored before it kept this).
    public var storedAt: [Int64] = []
    /// Where the next page starts (ask again with `from` = this); nil when the range is done.
    public var nextFrom: Int64?

    public init(ts: [Int64] = [], seq: [Int64] = [], storedAt: [Int64] = []) {
        self.ts = ts
        self.seq = seq
        self.storedAt = storedAt
    }

    public var count: Int { ts.count }

    /// Keeps the first rows of a page (see ``PageCut``).
    mutating func cut(limit: Int) {
        let (count, next) = PageCut.cut(ts, limit: limit)
        if count < ts.count {
            ts.removeSubrange(count...)
            seq.removeSubrange(count...)
            storedAt.removeSubrange(count...)
        }
        nextFrom = next
    }

    /// Orders the rows by `ts`, keeping the given order among equal timestamps.
    mutating func sortByTime() {
        var sorted = true
        for i in ts.indices.dropFirst() where ts[i - 1] > ts[i] {
            sorted = false
            break
        }
        if sorted { return }
        let order = ts.indices.sorted { (ts[$0], $0) < (ts[$1], $1) }
        ts = order.map { ts[$0] }
        seq = order.map { seq[$0] }
        storedAt = order.map { storedAt[$0] }
    }
}
