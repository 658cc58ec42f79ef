import CoreStorage
import Readings
import Synchronization

/// What the core knows of every edge: its latest status report, when it came, and a short
/// trend of its figures (the page draws them). Edges come only from their tokens, so the fleet
/// is as large as the edge token file; each trend is bounded (``trendLength``).
public final class EdgeFleet: Sendable {
    /// One point of an edge's trend.
    struct TrendPoint: Sendable, Equatable {
        var atMillis: Int64
        var ingestRate: Double
        var forwardRate: Double
        var spoolBytes: Int64
        var backlogReadings: Int64

        init(_ status: EdgeStatus, atMillis: Int64) {
            self.atMillis = atMillis
            ingestRate = status.ingestRate
            forwardRate = status.forwardRate
            spoolBytes = status.spoolBytes
            backlogReadings = status.backlogReadings
        }
    }

    struct Entry: Sendable, Equatable {
        var status: EdgeStatus
        var receivedAtMillis: Int64
        var trend: [TrendPoint]
    }

    /// Points kept per edge (10 minutes at the default 5 s).
    static let trendLength = 120

    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    /// Takes a report as the edge's newest. The last to arrive wins, whatever its own time says:
    /// an edge sends one report at a time and never resends one, and an edge whose clock was
    /// stepped back must not be ignored until its clock catches up.
    func record(_ status: EdgeStatus, receivedAtMillis: Int64) {
        entries.withLock { entries in
            var entry = entries[status.edge] ?? Entry(status: status, receivedAtMillis: receivedAtMillis, trend: [])
            entry.status = status
            entry.receivedAtMillis = receivedAtMillis
            entry.trend.append(TrendPoint(status, atMillis: receivedAtMillis))
            if entry.trend.count > Self.trendLength { entry.trend.removeFirst(entry.trend.count - Self.trendLength) }
            entries[status.edge] = entry
        }
    }

    /// Puts back the reports the store kept (at start), each with a one-point trend; an edge
    /// that reported since is left as it is. - Returns: the edges whose kept report is unreadable.
    func restore(_ stored: [StoredEdgeStatus]) -> [String] {
        var unreadable: [String] = []
        for row in stored {
            guard let status = try? EdgeStatusCodec.decode(Array(row.json.utf8)) else {
                unreadable.append(row.edge)
                continue
            }
            entries.withLock { entries in
                guard entries[row.edge] == nil else { return }
                entries[row.edge] = Entry(
                    status: status, receivedAtMillis: row.receivedAtMillis,
                    trend: [TrendPoint(status, atMillis: row.receivedAtMillis)])
            }
        }
        return unreadable
    }

    /// Every edge, by site then name.
    var all: [Entry] {
        entries.withLock { Array($0.values) }.sorted { ($0.status.site, $0.status.edge) < ($1.status.site, $1.status.edge) }
    }
}
