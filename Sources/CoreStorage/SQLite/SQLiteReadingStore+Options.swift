extension SQLiteReadingStore {
    /// How the store opens its database.
    public struct Options: Sendable, Equatable {
        /// How hard each commit pushes to disk.
        public enum Synchronous: String, Sendable {
            /// fsync at every commit: a batch answered 200 survives a power cut (the edge deletes
            /// it after the 200, so this is the default).
            case full = "FULL"
            /// fsync at checkpoints only: survives a crash of the process, not of the machine.
            case normal = "NORMAL"
        }

        public var synchronous: Synchronous
        /// SQLite's page cache per connection, in KiB.
        public var cacheKiB: Int
        /// When the head becomes blocks (shared with the PostgreSQL backend).
        public var compaction: CompactionPolicy

        public init(synchronous: Synchronous = .full, cacheKiB: Int = 65_536, compaction: CompactionPolicy = CompactionPolicy()) {
            self.synchronous = synchronous
            self.cacheKiB = cacheKiB
            self.compaction = compaction
        }

        /// The options with the compaction settings given one by one.
        public init(
            synchronous: Synchronous = .full, cacheKiB: Int = 65_536, compactAtReadings: Int = 1_000_000,
            compactAfterMillis: Int64 = 60_000, compactRoundReadings: Int = 2_000_000, blockReadings: Int = 4_096,
            compactInBackground: Bool = true
        ) {
            self.init(synchronous: synchronous, cacheKiB: cacheKiB, compaction: CompactionPolicy(
                atReadings: compactAtReadings, afterMillis: compactAfterMillis, roundReadings: compactRoundReadings,
                blockReadings: blockReadings, inBackground: compactInBackground))
        }
    }
}
