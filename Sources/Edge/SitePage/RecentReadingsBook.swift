import Clocks
import Readings
import SitePage
import Spool
import Synchronization

/// ``RecentReadings`` shared between the spool writer thread, which records each hand-off it
/// takes (one lock per hand-off of ~50 ms of readings, never per message, and before the commit:
/// a spool that cannot be written does not blank the page), and the site page's requests.
///
/// At start it restores the last 15 minutes from the spool (``restore(spoolPath:nowMillis:maxReadings:)``),
/// so an edge restarted during a WAN cut still shows its site's recent history: a restored series
/// lists under an id from ``restoredIDBase`` until the same series arrives live, which then
/// carries its history on (a client paging through the restored ids at that moment misses it
/// until its next pass, as with a renumbering).
final class RecentReadingsBook: Sendable {
    /// Restored series list under `restoredIDBase + their index` (live ids are below: at most `ingest.max_series`).
    static let restoredIDBase = 1 << 40

    private struct State {
        var live = RecentReadings()
        var restored = RecentReadings()
        /// Restored series not yet seen live, by name.
        var restoredIndex: [Series: Int] = [:]
        /// When the restored readings are all older than the page shows (epoch ms).
        var restoredUntilMillis: Int64 = .min
    }

    private let state = Mutex(State())

    init() {}

    /// Records what a hand-off carries (the spool writer's thread).
    func record(_ handoffs: [Handoff], nowMillis: Int64 = WallClock.millis()) {
        state.withLock { state in
            Self.expireRestored(&state, nowMillis: nowMillis)
            for handoff in handoffs {
                var carried: [Int: RecentReadings.Carried] = [:]
                if !state.restoredIndex.isEmpty {
                    for record in handoff.columns.newSeries {
                        if let index = state.restoredIndex.removeValue(forKey: record.series), let taken = state.restored.takeOut(index) {
                            carried[Int(record.id)] = taken
                        }
                    }
                }
                state.live.record(handoff.columns, nowMillis: nowMillis, carried: carried)
            }
            // Every restored series came back live: nothing left to list (nor to keep in memory).
            if state.restoredIndex.isEmpty, state.restored.seriesCount > 0 { state.restored = RecentReadings() }
        }
    }

    /// The restored readings are dropped once older than the page shows, whether or not
    /// anything arrives meanwhile (checked by writes and reads alike).
    private static func expireRestored(_ state: inout State, nowMillis: Int64) {
        guard state.restored.seriesCount > 0, nowMillis > state.restoredUntilMillis else { return }
        state.restored = RecentReadings()
        state.restoredIndex = [:]
    }

    /// Restores what the spool holds of the last 15 minutes: the open batch and the newest
    /// sealed batches, at most about `maxReadings` readings (an edge after a long WAN cut holds
    /// far more than the page shows). Returns the readings read.
    @discardableResult
    func restore(spoolPath: String, nowMillis: Int64 = WallClock.millis(), maxReadings: Int = 2_000_000) throws -> Int {
        let window = Int64(RecentReadings.buckets) * RecentReadings.bucketMillis
        let reader = try SpoolReader(path: spoolPath)
        var restored = RecentReadings()
        var index: [Series: Int] = [:]
        var columns = ReadingColumns()
        var count = 0
        func flush() {
            restored.record(columns, nowMillis: nowMillis)
            columns.removeAll()
        }
        try reader.forEachRecentReading(sealedSinceMillis: nowMillis - window, maxReadings: maxReadings) { reading in
            guard reading.ts >= nowMillis - window else { return }
            let id: Int
            if let known = index[reading.series] {
                id = known
            } else {
                id = index.count
                index[reading.series] = id
                columns.newSeries.append(NewSeries(id: SeriesID(id), series: reading.series))
            }
            columns.append(sid: SeriesID(id), ts: reading.ts, value: reading.value, seq: reading.deviceSeq)
            count += 1
            if columns.count >= 65_536 { flush() }
        }
        flush()
        state.withLock { state in
            state.restored = restored
            state.restoredIndex = index
            state.restoredUntilMillis = nowMillis + window
        }
        return count
    }

    /// The live and the restored series as they are now, taken in O(1); lists are built from them
    /// outside the lock.
    var listings: (live: RecentReadings.Listing, restored: RecentReadings.Listing) {
        state.withLock { state in
            Self.expireRestored(&state, nowMillis: WallClock.millis())
            return (state.live.listing, state.restored.listing)
        }
    }

    /// Sites → lines → devices of the live and the restored series.
    func sites() -> [PageListCodec.Site] {
        let (live, restored) = listings
        return RecentReadings.Listing.sites(of: [live, restored])
    }

    /// The series of a site, line, device in id order (live, then restored), after `after`.
    func series(site: String?, line: String?, device: String?, after: Int, limit: Int) -> (series: [SeriesInfo], more: Bool) {
        let (live, restored) = listings
        var out: [SeriesInfo] = []
        if after < Self.restoredIDBase {
            let page = live.series(site: site, line: line, device: device, after: after, limit: limit)
            if page.more { return page }
            out = page.series
        }
        let restoredAfter = after < Self.restoredIDBase ? -1 : after - Self.restoredIDBase
        let rest = restored.series(site: site, line: line, device: device, after: restoredAfter, limit: limit - out.count)
        out += rest.series.map { row in
            var row = row
            row.id += Int64(Self.restoredIDBase)
            return row
        }
        return (out, rest.more)
    }

    /// The history of a series listed under `id`.
    func points(id: Int, from: Int64, to: Int64) -> [(ts: Int64, value: Double)] {
        state.withLock { state in
            Self.expireRestored(&state, nowMillis: WallClock.millis())
            return id >= Self.restoredIDBase
                ? state.restored.points(id: id - Self.restoredIDBase, from: from, to: to) : state.live.points(id: id, from: from, to: to)
        }
    }
}
