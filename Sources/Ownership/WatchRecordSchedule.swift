/// Decides which watch record the active edge publishes each time (every few seconds): the
/// changes since the last full record, or a full one. Pure: no clock, no I/O.
///
/// Changes are cumulative (everything that differs from the last full record, not from the last
/// changes), so the edge taking over needs only the two latest retained records. A full record
/// goes out instead when there is none yet, the epoch changed (every takeover and every session
/// lost, a broker restart included), a series was dropped from the watch (changes cannot say
/// "gone"), the changes grew past an eighth of it (a whole line fell silent: the full record is
/// then hardly bigger), or, as a safety net, ten minutes passed.
public struct WatchRecordSchedule: Sendable {
    /// Longest time between two full records.
    public static let fullIntervalMillis: Int64 = 600_000

    /// Per series of the last full record: 0 while reporting, else when it was last seen.
    private var full: [HandedOverWatch.Key: Int64] = [:]
    private var fullAtMillis: Int64?
    private var fullEpoch: UInt64 = 0

    public init() {}

    /// The record to publish at `nowMillis` for what the engine watches now.
    public mutating func record(epoch: UInt64, edge: String, nowMillis: Int64, watched: [HandedOverWatch.Series]) -> HandedOverWatch {
        let current = HandedOverWatch(epoch: epoch, edge: edge, atMillis: nowMillis, series: watched)
        if let fullAt = fullAtMillis, epoch == fullEpoch, nowMillis >= fullAt, nowMillis - fullAt < Self.fullIntervalMillis {
            var changes: [HandedOverWatch.Series] = []
            var kept = 0
            for entry in watched {
                let state = current.isReporting(entry) ? 0 : entry.lastSeenMillis
                if let before = full[entry.key] {
                    kept += 1
                    if before == state { continue }
                }
                changes.append(entry)
            }
            if kept == full.count, changes.count <= max(256, full.count / 8) {
                return HandedOverWatch(epoch: epoch, edge: edge, atMillis: nowMillis, baseAtMillis: fullAt, series: changes)
            }
        }
        full.removeAll(keepingCapacity: true)
        full.reserveCapacity(watched.count)
        for entry in watched { full[entry.key] = current.isReporting(entry) ? 0 : entry.lastSeenMillis }
        fullAtMillis = nowMillis
        fullEpoch = epoch
        return current
    }

    /// Forgets the last full record, so the next record is a full one (a publish failed).
    public mutating func reset() {
        fullAtMillis = nil
    }
}
