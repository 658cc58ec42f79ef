import AccessControl
import Clocks
import CoreStorage
import Foundation
import Hummingbird
import Readings

/// Alarm management (ANSI/ISA-18.2): operators act on alarms from the page, every change goes to
/// the audit log, and the edges poll what they must not notify.
///
/// - `POST /api/v1/alarms/actions`: acknowledge, shelve, unshelve, out of service, return to
///   service (``AlarmActionParser``); a page session of an operator or admin, from this core's
///   page with its CSRF token. 200 done, 409 `unchanged` (already acknowledged, not shelved, …),
///   404 for an unknown alert.
/// - `GET /api/v1/alarms/audit?site=&limit=`: the audit log, newest first (reads).
/// - `GET /api/v1/suppressions?site=`: the site's shelves in effect and its parts out of service
///   (``Readings/AlarmSuppressionsCodec``); for an edge's token allowed that site, or reads
///   (which may leave `site` out for every site's, `"site":""`).
struct AlarmRoutes: Sendable {
    let store: any ReadingStore
    let authorizer: Authorizer
    static let maxAuditEntries = 1_000

    func add(to router: Router<CoreRequestContext>) {
        router.post("/api/v1/alarms/actions") { request, _ in
            let session = try authorizer.authorizeChange(request, role: .operator)
            if let type = request.headers[.contentType],
                type.split(separator: ";", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces).lowercased() != "application/json"
            {
                throw APIError.unsupportedMediaType("Content-Type must be application/json, got \(type.prefix(60))")
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: AlarmActionParser.maxBodyBytes)
            } catch {
                throw APIError.tooLarge("an alarm action is at most \(AlarmActionParser.maxBodyBytes) bytes")
            }
            let action = try AlarmActionParser.parse(Array(body.readableBytesView), user: session.user, nowMillis: WallClock.millis())
            try await Self.checkRoom(for: action, store: store)
            switch try await store.record(action) {
            case .done:
                return QueryRoutes.json(["result": "done", "action": action.action.name, "by": session.user])
            case .unchanged(let reason):
                throw APIError.conflict(code: "unchanged", reason)
            case .unknownAlert:
                throw APIError.notFound("alert_id: no alert has this id")
            }
        }
        router.get("/api/v1/alarms/audit") { request, context in
            try authorizer.authorizeRead(request, context: context)
            let query = request.uri.queryParameters
            let limit = query.get("limit", as: Int.self) ?? 200
            guard (1...Self.maxAuditEntries).contains(limit) else { throw APIError.badRequest("limit: expected 1 to \(Self.maxAuditEntries)") }
            let kindText = query.get("kind") ?? "all"
            guard let kind = AuditKind(rawValue: kindText) else { throw APIError.badRequest("kind: expected all, actions or commands") }
            let entries = try await store.alarmAudit(site: query.get("site"), kind: kind, limit: limit)
            return QueryRoutes.json(["entries": entries.map { entry -> [String: Any] in
                [
                    "id": entry.id, "at": RFC3339.format(millis: entry.atMillis), "by": entry.user, "action": entry.action,
                    "alert_id": entry.alertID.isEmpty ? NSNull() : entry.alertID, "rule": entry.rule, "site": entry.site,
                    "line": entry.line, "device": entry.device, "sensor": entry.sensor, "comment": entry.comment,
                    "until": entry.untilMillis.map { RFC3339.format(millis: $0) as Any } ?? NSNull(),
                ]
            }])
        }
        router.get("/api/v1/alarms/kpis") { request, context in
            try authorizer.authorizeRead(request, context: context)
            let query = request.uri.queryParameters
            let window = try query.get("window").map { text -> Int64 in
                guard let millis = DurationText.millis(text), (600_000...7 * 86_400_000).contains(millis) else {
                    throw APIError.badRequest("window: expected a duration from 10m to 7d, such as 24h")
                }
                return millis
            } ?? 86_400_000
            let kpis = try await Self.kpis(store: store, site: query.get("site"), windowMillis: window, nowMillis: WallClock.millis())
            return QueryRoutes.json(Self.json(kpis))
        }
        router.get("/api/v1/suppressions") { request, context in
            let site = request.uri.queryParameters.get("site")
            if site?.isEmpty == true { throw APIError.badRequest("site: empty") }
            if let token = HTTPAccess.bearerToken(authorization: request.headers[.authorization]), authorizer.edgeTokens.edge(for: token) != nil {
                let edge = try await authorizer.edge(of: request, context: context)
                guard let site else { throw APIError.badRequest("site: an edge reads its own site's (site=…)") }
                guard authorizer.edgeTokens.allows(edge: edge, site: site) else {
                    throw APIError.forbidden("edge \(edge) may not read site \(site.prefix(64))")
                }
            } else {
                try authorizer.authorizeRead(request, context: context)
            }
            let suppressions = try await store.suppressions(site: site, nowMillis: WallClock.millis())
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: AlarmSuppressionsCodec.encode(suppressions))))
        }
    }

    /// Refuses a new shelf or out-of-service entry beyond what a site's edges accept in one
    /// answer (``AlarmSuppressionsCodec/maxEntries`` each): past it an edge would refuse the whole
    /// document and stop learning any change. Moving the end of an existing shelf is allowed.
    static func checkRoom(
        for request: AlarmActionRequest, store: any ReadingStore, limit: Int = AlarmSuppressionsCodec.maxEntries
    ) async throws {
        switch request.action {
        case .shelve(let point, _):
            let current = try await store.suppressions(site: point.site, nowMillis: request.atMillis)
            guard current.shelves.count < limit || current.shelves.contains(where: { $0.point == point }) else {
                throw APIError.conflict(code: "too_many", "site \(point.site) has \(limit) shelved alarm points, the most its edges take: unshelve some first")
            }
        case .removeFromService(let scope):
            let current = try await store.suppressions(site: scope.site, nowMillis: request.atMillis)
            guard current.outOfService.count < limit || current.outOfService.contains(where: { $0.scope == scope }) else {
                throw APIError.conflict(code: "too_many", "site \(scope.site) has \(limit) parts out of service, the most its edges take: return some first")
            }
        default:
            break
        }
    }

    /// Most alert starts a KPI computation reads (a window with more is a flood anyway; the
    /// figures then count these).
    static let maxStarts = 100_000

    /// The KPIs now, from the store.
    static func kpis(store: any ReadingStore, site: String?, windowMillis: Int64, nowMillis: Int64) async throws -> AlarmKPIs {
        let starts = try await store.alertStarts(site: site, sinceMillis: nowMillis - windowMillis, limit: maxStarts)
        let firing = try await store.alerts(AlertFilter(status: "firing", site: site, limit: 5_000))
        let acknowledged = try await store.acknowledgements(alertIDs: firing.map(\.alertID))
        return AlarmKPIs.compute(
            starts: starts, firing: firing, acknowledged: Set(acknowledged.keys), nowMillis: nowMillis, windowMillis: windowMillis)
    }

    static func json(_ kpis: AlarmKPIs) -> [String: Any] {
        func point(_ entry: AlarmKPIs.Point) -> [String: Any] {
            ["rule": entry.point.rule, "site": entry.point.site, "line": entry.point.line, "device": entry.point.device,
             "sensor": entry.point.sensor, "count": entry.count]
        }
        return [
            "window_ms": kpis.windowMillis,
            "sites": kpis.sites.map { site -> [String: Any] in
                ["site": site.name, "last_10m": site.lastTenMinutes, "avg_per_10m": site.averagePerTenMinutes,
                 "peak_10m": site.peakTenMinutes, "flood_periods": site.floodPeriods, "standing": site.standing, "stale": site.stale,
                 "unacknowledged": site.unacknowledged, "chattering": site.chattering]
            },
            "top": kpis.top.map(point), "chattering": kpis.chattering.map(point),
        ]
    }
}
