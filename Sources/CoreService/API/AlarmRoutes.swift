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
            let entries = try await store.alarmAudit(site: query.get("site"), limit: limit)
            return QueryRoutes.json(["entries": entries.map { entry -> [String: Any] in
                [
                    "id": entry.id, "at": RFC3339.format(millis: entry.atMillis), "by": entry.user, "action": entry.action,
                    "alert_id": entry.alertID.isEmpty ? NSNull() : entry.alertID, "rule": entry.rule, "site": entry.site,
                    "line": entry.line, "device": entry.device, "sensor": entry.sensor, "comment": entry.comment,
                    "until": entry.untilMillis.map { RFC3339.format(millis: $0) as Any } ?? NSNull(),
                ]
            }])
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
}
