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
        /// Compaction starts once the head holds this many readings …
        public var compactAtReadings: Int
        /// … or once its oldest batch is this old (ms), whichever comes first.
        public var compactAfterMillis: Int64
        /// Most readings one compaction round takes (one transaction; ingest waits for it).
        public var compactRoundReadings: Int
        /// A block is added to until it holds this many readings (an hour at 1 Hz fits one).
        public var blockReadings: Int
        /// Compaction runs by itself in the background (off: only ``SQLiteReadingStore/compact()``).
        public var compactInBackground: Bool

        public init(
            synchronous: Synchronous = .full, cacheKiB: Int = 65_536, compactAtReadings: Int = 1_000_000,
            compactAfterMillis: Int64 = 60_000, compactRoundReadings: Int = 2_000_000, blockReadings: Int = 4_096,
            compactInBackground: Bool = true
        ) {
            self.synchronous = synchronous
            self.cacheKiB = cacheKiB
            self.compactAtReadings = max(1, compactAtReadings)
            self.compactAfterMillis = max(0, compactAfterMillis)
            self.compactRoundReadings = max(1, compactRoundReadings)
            self.blockReadings = min(max(16, blockReadings), SeriesBlockCodec.maxReadings)
            self.compactInBackground = compactInBackground
        }
    }
}
