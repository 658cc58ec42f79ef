public import Readings
public import Spool

/// What the receive thread hands to the spool writer about every commit interval: the readings
/// it accepted and what it counted meanwhile.
public struct Handoff: Sendable {
    public var columns: ReadingColumns
    public var messagesReceived: Int = 0
    /// Retained messages replayed by the broker on (re)subscribe, skipped (see IngestHandler).
    public var retainedSkipped: Int = 0
    public var rejected = RejectCounts()
    /// A bounded sample of the rejected messages (for the log and the `rejects` table).
    public var rejectSamples: [RejectSample] = []
    /// Wall-clock time (epoch ms) of the first message this process received, set once.
    public var firstMessageAtMillis: Int64?

    public init(columns: ReadingColumns) {
        self.columns = columns
    }

    public var isEmpty: Bool {
        columns.isEmpty && messagesReceived == 0 && retainedSkipped == 0 && rejectSamples.isEmpty && columns.newSeries.isEmpty
            && columns.renumbering == nil
    }

    /// Adds what `other`, a later hand-off, counted and announced (not its readings, nor its
    /// renumbering: the caller handles those).
    mutating func absorb(_ other: Handoff) {
        messagesReceived += other.messagesReceived
        retainedSkipped += other.retainedSkipped
        rejected.add(other.rejected)
        rejectSamples.append(contentsOf: other.rejectSamples.prefix(max(0, 32 - rejectSamples.count)))
        firstMessageAtMillis = firstMessageAtMillis ?? other.firstMessageAtMillis
        columns.newSeries.append(contentsOf: other.columns.newSeries)
    }
}
