/// What to do when the spool reaches `maxBytes`.
public enum SpoolFullPolicy: String, Sendable, CaseIterable {
    /// Delete the oldest sealed batches to make room, counting every reading dropped.
    case dropOldest = "drop-oldest"
    /// Stop taking readings until there is room again; the MQTT broker holds the data meanwhile.
    case block
}

/// How hard each group commit is pushed to disk.
public enum SpoolSynchronous: String, Sendable, CaseIterable {
    /// Survives a crash of the process; a power cut may lose the last commits (WAL `NORMAL`).
    case normal
    /// Every commit is fsynced before it counts (WAL `FULL`).
    case full
}

/// Settings of the durable spool (the `spool:` section of the edge config).
public struct SpoolConfiguration: Sendable, Equatable {
    /// The SQLite file; its directory is created if missing.
    public var path: String
    /// The edge id written into every batch.
    public var edgeID: String
    /// Size limit of the live data in the database file.
    public var maxBytes: Int64
    public var onFull: SpoolFullPolicy
    /// A batch is sealed when it holds this many readings…
    public var batchMaxReadings: Int
    /// …or when its first reading has waited this long (milliseconds).
    public var batchMaxAgeMillis: Int64
    /// How many recent rejected messages the `rejects` table keeps.
    public var rejectsKept: Int
    public var synchronous: SpoolSynchronous

    public init(
        path: String, edgeID: String, maxBytes: Int64 = 1 << 30, onFull: SpoolFullPolicy = .dropOldest,
        batchMaxReadings: Int = 5_000, batchMaxAgeMillis: Int64 = 1_000, rejectsKept: Int = 1_000,
        synchronous: SpoolSynchronous = .full
    ) {
        self.path = path
        self.edgeID = edgeID
        self.maxBytes = maxBytes
        self.onFull = onFull
        self.batchMaxReadings = batchMaxReadings
        self.batchMaxAgeMillis = batchMaxAgeMillis
        self.rejectsKept = rejectsKept
        self.synchronous = synchronous
    }
}
