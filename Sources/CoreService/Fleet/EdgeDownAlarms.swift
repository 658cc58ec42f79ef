import CoreStorage
import Readings
import SitePage

/// The core's own alarm about its edges: `core:edge-down` (critical, about the edge: its site,
/// `device` the edge's name) fires when an edge turns ``EdgeAssessment/Health/down`` and resolves
/// when it reports again. Pure: the caller passes the edges' judgements and the time, and
/// stores the notifications it gets back as alerts of the core (edge `core`), which the page,
/// the API and the KPIs show like any other.
struct EdgeDownAlarms: Sendable {
    static let rule = "core:edge-down"
    /// The `edge` the core's own notifications are stored under.
    static let author = "core"

    struct Open: Sendable, Equatable {
        var alertID: String
        var site: String
        var startedAtMillis: Int64
    }

    /// Open alarms by edge name.
    private(set) var open: [String: Open] = [:]

    /// One edge as the core judges it now.
    struct Judged: Sendable {
        var status: EdgeStatus
        var assessment: EdgeAssessment
        /// When its last report came (the core's clock).
        var lastReportMillis: Int64
    }

    /// Takes back the core's own alarms still firing in the store (at start), so a restart
    /// neither raises them again nor forgets to resolve them.
    mutating func restore(_ firing: [AlertRecord]) {
        for record in firing where record.rule == Self.rule && record.status == "firing" && record.edge == Self.author {
            open[record.device] = Open(alertID: record.alertID, site: record.site, startedAtMillis: record.startedAtMillis)
        }
    }

    /// The notifications the edges' state calls for now. An alarm resolves only when its edge
    /// has reported since it fired (not merely because a restarted core gives every edge time),
    /// or when the edge is no longer among `edges` (its token was removed).
    mutating func advance(_ edges: [Judged], nowMillis: Int64) -> [AlertNotice] {
        var notices: [AlertNotice] = []
        var known = Set<String>()
        for judged in edges {
            let status = judged.status, edge = status.edge
            known.insert(edge)
            if judged.assessment.health == .down, open[edge] == nil {
                let id = ContentDigest.hex16(Array("\(Self.rule)\u{1F}\(status.site)\u{1F}\(edge)\u{1F}\(nowMillis)".utf8))
                let alarm = Open(alertID: id, site: status.site, startedAtMillis: nowMillis)
                open[edge] = alarm
                notices.append(notice(.firing, edge: edge, open: alarm, nowMillis: nowMillis, summary:
                    "edge \(edge) of \(status.site) sent no status for \(judged.assessment.silentMillis / 1_000) s (it reports every \(status.intervalMillis) ms)"))
            } else if judged.assessment.health != .down, let alarm = open[edge], judged.lastReportMillis > alarm.startedAtMillis {
                open[edge] = nil
                notices.append(notice(.resolved, edge: edge, open: alarm, nowMillis: nowMillis, summary: "edge \(edge) of \(status.site) reports again"))
            }
        }
        for (edge, alarm) in open where !known.contains(edge) {
            open[edge] = nil
            notices.append(notice(.resolved, edge: edge, open: alarm, nowMillis: nowMillis, summary: "edge \(edge) is no longer configured at the core"))
        }
        return notices
    }

    private func notice(_ kind: AlertKind, edge: String, open: Open, nowMillis: Int64, summary: String) -> AlertNotice {
        AlertNotice(kind: kind, atMillis: nowMillis, alert: Alert(
            id: open.alertID, rule: Self.rule, severity: "critical", site: open.site, line: "", device: edge, sensor: "", value: nil,
            startedAtMillis: open.startedAtMillis, endedAtMillis: kind == .resolved ? nowMillis : nil,
            annotations: ["summary": summary], edge: Self.author))
    }
}
