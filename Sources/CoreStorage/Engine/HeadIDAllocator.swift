/// Hands out head row ids when several ingests run at once (the PostgreSQL backend), and tells
/// compaction up to which id every ingest has finished.
///
/// Compaction moves "every head row up to id W" into blocks and records W; readers then take
/// head readings after W from memory. That is only right if no row at or below W can still
/// commit later. With ids from a database sequence, a transaction holding a lower id may commit
/// after one holding a higher id, so the store assigns ids itself (one writer per database) and
/// compaction only takes ids at or below ``settledThrough``: each of those has either committed
/// (and is in memory) or failed for good. Pure state; the store holds it under a lock.
struct HeadIDAllocator: Sendable, Equatable {
    /// The next id to hand out.
    private(set) var next: Int64
    /// Ids handed out whose ingest has not finished yet.
    private(set) var inFlight: Set<Int64> = []

    /// - Parameter last: the greatest id ever used (head rows and the compaction watermark).
    init(after last: Int64) {
        next = last &+ 1
    }

    /// A fresh id for one ingest; pair it with ``finish(_:)``, whatever the outcome.
    mutating func reserve() -> Int64 {
        let id = next
        next += 1
        inFlight.insert(id)
        return id
    }

    /// The ingest that holds `id` has stored its row (and the row is in memory) or given up.
    mutating func finish(_ id: Int64) {
        inFlight.remove(id)
    }

    /// Every id at or below this belongs to a finished ingest.
    var settledThrough: Int64 {
        (inFlight.min() ?? next) - 1
    }
}
