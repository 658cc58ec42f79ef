/// What the spool holds, as `haetae-edge spool stats` prints it.
public struct SpoolStats: Sendable, Equatable, Codable {
    /// Readings waiting (sealed batches plus the open batch).
    public var readings: Int64
    /// Sealed batches waiting for the forwarder.
    public var batches: Int64
    /// Readings in the open, not yet sealed, batch.
    public var openReadings: Int64
    /// Bytes of live data in the database file.
    public var bytes: Int64
    /// The oldest reading's time stamp (epoch ms), nil when empty.
    public var oldestTs: Int64?
    /// Readings deleted by the `drop-oldest` policy since the spool was created.
    public var droppedReadings: Int64
    /// Rejected messages kept in the `rejects` table.
    public var rejectsKept: Int64

    enum CodingKeys: String, CodingKey {
        case readings, batches, bytes
        case openReadings = "open_readings"
        case oldestTs = "oldest_ts"
        case droppedReadings = "dropped_readings"
        case rejectsKept = "rejects_kept"
    }

    public init(readings: Int64, batches: Int64, openReadings: Int64, bytes: Int64, oldestTs: Int64?, droppedReadings: Int64, rejectsKept: Int64) {
        self.readings = readings
        self.batches = batches
        self.openReadings = openReadings
        self.bytes = bytes
        self.oldestTs = oldestTs
        self.droppedReadings = droppedReadings
        self.rejectsKept = rejectsKept
    }

    // Always write `oldest_ts`, as null when empty, so scripts can rely on the key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(readings, forKey: .readings)
        try container.encode(batches, forKey: .batches)
        try container.encode(openReadings, forKey: .openReadings)
        try container.encode(bytes, forKey: .bytes)
        try container.encode(oldestTs, forKey: .oldestTs)
        try container.encode(droppedReadings, forKey: .droppedReadings)
        try container.encode(rejectsKept, forKey: .rejectsKept)
    }
}
