import Clocks
import CoreStorage
import Logging
import Readings
import SitePage
import ServiceLifecycle
import Synchronization

/// Looks at the fleet every second: raises `core:edge-down` for an edge that stopped reporting
/// and resolves it when it reports again (``EdgeDownAlarms``), storing the notifications as the
/// core's own alerts; and keeps the `haetae_core_edges{health}` gauges current. First, once the
/// store answers (PostgreSQL may still be starting), it gives the fleet the reports kept from
/// before a restart and itself the edge-down alarms still firing.
struct FleetWatch: Service {
    let fleet: EdgeFleet
    /// The edges with a token: an edge whose token was removed is not judged.
    let configured: Set<String>
    let store: any ReadingStore
    let metrics: CoreMetrics
    let logger: Logger
    var interval: Duration = .seconds(1)

    func run() async throws {
        // Reports kept from before a restart are old: no edge is judged down before the core
        // has listened for as long as that takes.
        let startedAt = WallClock.millis()
        await cancelWhenGracefulShutdown {
            var alarms = EdgeDownAlarms()
            var restored = false
            // Notifications the store did not take: tried again each second (at most two per edge).
            var unstored: [AlertNotice] = []
            while !Task.isCancelled {
                if !restored {
                    do {
                        let unreadable = fleet.restore(try await store.edgeStatuses())
                        if !unreadable.isEmpty {
                            logger.warning("stored status reports that cannot be read are skipped", metadata: ["edges": "\(unreadable.joined(separator: ","))"])
                        }
                        // Alarms still firing, so a restart neither repeats nor strands them.
                        alarms.restore(try await store.alerts(AlertFilter(status: "firing", limit: 10_000)))
                        restored = true
                    } catch {
                        // The store is not open yet: no judgement before what it keeps is known.
                        try? await Task.sleep(for: interval)
                        continue
                    }
                }
                let now = WallClock.millis()
                let edges = fleet.all.filter { configured.contains($0.status.edge) }.map {
                    EdgeDownAlarms.Judged(
                        status: $0.status,
                        assessment: EdgeAssessment($0.status, receivedAtMillis: $0.receivedAtMillis, nowMillis: now, heardSinceMillis: startedAt),
                        lastReportMillis: $0.receivedAtMillis)
                }
                var counts: [EdgeAssessment.Health: Int] = [:]
                for judged in edges { counts[judged.assessment.health, default: 0] += 1 }
                for health in EdgeAssessment.Health.allCases { metrics.edges[health.rawValue]?.record(counts[health] ?? 0) }
                let notices = alarms.advance(edges, nowMillis: now)
                for notice in notices {
                    logger.log(level: notice.kind == .firing ? .error : .notice, "edge \(notice.kind == .firing ? "down" : "back")", metadata: [
                        "edge": "\(notice.alert.device)", "site": "\(notice.alert.site)",
                    ])
                }
                unstored.append(contentsOf: notices)
                if !unstored.isEmpty {
                    do {
                        _ = try await store.ingest(alerts: unstored.map { AlertRecordParser.record($0, edge: EdgeDownAlarms.author) })
                        unstored.removeAll()
                    } catch {
                        logger.error("the core's edge-down alarms could not be stored; tried again in a second", metadata: ["error": "\(error)"])
                        // Bounded: the oldest go first (each edge has at most a firing and a resolve open).
                        if unstored.count > 2 * max(1, configured.count) { unstored.removeFirst(unstored.count - 2 * max(1, configured.count)) }
                    }
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
