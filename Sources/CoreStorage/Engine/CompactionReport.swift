/// What one compaction round did.
public struct CompactionReport: Sendable, Equatable {
    /// Head rows (batches) compacted.
    public var headRows = 0
    /// Readings moved into blocks.
    public var readings = 0
    /// Block rows inserted or rewritten.
    public var blocksWritten = 0
    /// How long the round took.
    public var seconds: Double = 0

    public init(headRows: Int = 0, readings: Int = 0, blocksWritten: Int = 0, seconds: Double = 0) {
        self.headRows = headRows
        self.readings = readings
        self.blocksWritten = blocksWritten
        self.seconds = seconds
    }
}
