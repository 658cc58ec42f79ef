/// Where a page of raw rows ends: at most `limit` rows, never splitting rows of one time stamp
/// between pages, and the time stamp the next page starts at.
///
/// A page ends before the first time stamp it cannot take whole, so asking again with
/// `from = nextFrom` neither repeats nor skips a row. Only when the first time stamp alone has
/// more than `limit` rows does a page hold more than `limit` (all of them): it must still move on.
enum PageCut {
    /// - Parameter ts: ascending time stamps of every row the page could hold (at least the
    ///   first `limit + 1` of the range when there are that many).
    /// - Returns: how many rows the page takes, and where the next page starts (nil: no more).
    static func cut(_ ts: [Int64], limit: Int) -> (count: Int, nextFrom: Int64?) {
        guard ts.count > limit, limit >= 0 else { return (ts.count, nil) }
        let boundary = ts[limit]
        var count = limit
        while count > 0 && ts[count - 1] == boundary { count -= 1 }
        guard count == 0 else { return (count, boundary) }
        var end = limit
        while end < ts.count && ts[end] == boundary { end += 1 }
        return (end, end < ts.count ? ts[end] : nil)
    }
}

/// Decides how far a raw read needs to go through a series' blocks, which come in hour order:
/// once more than `limit` rows in range are taken, the rest of that hour is still read (rows of
/// one time stamp, or out of order, may be in another block of the hour), then nothing later.
/// So a page costs about `limit` rows of decoding, not the whole range.
struct BlockBudget {
    let limit: Int
    let range: Range<Int64>
    private var taken = 0
    private var fullAtHour: Int64?

    init(limit: Int, range: Range<Int64>) {
        self.limit = limit
        self.range = range
    }

    /// Whether a block of `hour` is still needed.
    func wants(hour: Int64) -> Bool { fullAtHour.map { hour <= $0 } ?? true }

    mutating func took(_ block: SeriesBlock, hour: Int64) {
        guard fullAtHour == nil else { return }
        for ts in block.ts where range.contains(ts) { taken += 1 }
        if taken > limit { fullAtHour = hour }
    }
}
