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

        public init(synchronous: Synchronous = .full, cacheKiB: Int = 65_536) {
            self.synchronous = synchronous
            self.cacheKiB = cacheKiB
        }
    }
}
