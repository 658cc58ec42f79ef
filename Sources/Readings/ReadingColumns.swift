/// Decoded readings in columns: the hand-off from the receive thread to the consumer.
///
/// The receive thread appends into one of these and hands it on whole; reusing it with
/// ``removeAll(keepingCapacity:)`` keeps the steady state free of allocation. Row `i` is
/// (`sid[i]`, `ts[i]`, `value[i]`, `seq[i]`). ``newSeries`` announces every id the first time
/// the decoder gives it out, so the consumer never needs the decoder's ``SeriesTable``.
public struct ReadingColumns: Sendable {
    /// The series of each reading.
    public var sid: [SeriesID] = []
    /// Epoch milliseconds of each reading.
    public var ts: [Int64] = []
    /// The value of each reading; always finite.
    public var value: [Double] = []
    /// The device's `seq` counter of each reading, `-1` when the payload had none.
    public var seq: [Int64] = []
    /// Series first seen while filling these columns, in id order.
    public var newSeries: [NewSeries] = []
    /// Set when the decoder forgot idle series just before filling these columns: the consumer
    /// applies it to what it keeps per id before it reads ``newSeries`` and the readings.
    public var renumbering: SeriesRenumbering?

    /// A position to roll back to: the reading count and the new-series count.
    public struct Checkpoint: Sendable, Equatable {
        public var count: Int
        public var newSeriesCount: Int
    }

    public init() {}

    /// Creates empty columns with room for `capacity` readings.
    public init(capacity: Int) {
        reserveCapacity(capacity)
    }

    /// The number of readings.
    public var count: Int { sid.count }

    public var isEmpty: Bool { sid.isEmpty }

    /// The current position, for ``truncate(to:)-(Checkpoint)``.
    public var checkpoint: Checkpoint { Checkpoint(count: count, newSeriesCount: newSeries.count) }

    public mutating func reserveCapacity(_ capacity: Int) {
        sid.reserveCapacity(capacity)
        ts.reserveCapacity(capacity)
        value.reserveCapacity(capacity)
        seq.reserveCapacity(capacity)
    }

    /// Empties every column; with `keepingCapacity` (the default) the buffers are reused.
    public mutating func removeAll(keepingCapacity: Bool = true) {
        sid.removeAll(keepingCapacity: keepingCapacity)
        ts.removeAll(keepingCapacity: keepingCapacity)
        value.removeAll(keepingCapacity: keepingCapacity)
        seq.removeAll(keepingCapacity: keepingCapacity)
        newSeries.removeAll(keepingCapacity: keepingCapacity)
        renumbering = nil
    }

    /// Appends one reading.
    @inline(__always)
    public mutating func append(sid: SeriesID, ts: Int64, value: Double, seq: Int64) {
        self.sid.append(sid)
        self.ts.append(ts)
        self.value.append(value)
        self.seq.append(seq)
    }

    /// Drops the readings from index `count` on (rolls back a rejected message's readings).
    /// ``newSeries`` is left alone: use ``truncate(to:)-(Checkpoint)`` to roll that back too.
    public mutating func truncate(to count: Int) {
        precondition(count >= 0 && count <= self.count, "truncate(to: \(count)) of \(self.count) readings")
        sid.removeSubrange(count...)
        ts.removeSubrange(count...)
        value.removeSubrange(count...)
        seq.removeSubrange(count...)
    }

    /// Rolls back readings and new-series records to a ``checkpoint``.
    public mutating func truncate(to checkpoint: Checkpoint) {
        truncate(to: checkpoint.count)
        precondition(checkpoint.newSeriesCount <= newSeries.count, "truncate(to:) past the new series")
        newSeries.removeSubrange(checkpoint.newSeriesCount...)
    }
}
