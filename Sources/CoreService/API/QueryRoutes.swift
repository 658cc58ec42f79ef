import Clocks
import CoreStorage
import Foundation
import Hummingbird
import Readings
import SitePage

/// The read side of the API (DESIGN §3.5): sites, series, readings with downsampling, alerts,
/// and per-reading delivery facts for end-to-end checks.
struct QueryRoutes: Sendable {
    let store: any ReadingStore
    let authorizer: Authorizer
    /// Most points one readings query returns (a step is required beyond it).
    static let maxPoints = 100_000
    /// Most series one page of `GET /api/v1/series` lists (`limit` may ask for fewer).
    static let maxSeriesPage = 10_000

    func add(to router: Router<CoreRequestContext>) {
        router.get("/api/v1/sites") { request, context in
            try authorizer.authorizeRead(request, context: context)
            let query = request.uri.queryParameters
            let limit = try Self.pageLimit(query.get("limit"), of: "devices")
            var after: SitesPage.DeviceKey?
            if let cursor = query.get("cursor") {
                guard let key = SitesPage.decode(cursor) else { throw APIError.badRequest("cursor: not a cursor from a next_cursor of this API") }
                after = key
            }
            let page = SitesPage(try await store.sites(), after: after, limit: limit)
            let sites = page.sites.map { site in
                PageListCodec.Site(name: site.name, lastTs: site.lastTs, lines: site.lines.map { line in
                    PageListCodec.Line(name: line.name, devices: line.devices.keys.sorted().map { ($0, line.devices[$0] ?? 0) })
                })
            }
            let out = PageListCodec.sites(sites, nextCursor: page.nextCursor)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: out)))
        }
        router.get("/api/v1/series") { request, context in
            try authorizer.authorizeRead(request, context: context)
            let query = request.uri.queryParameters
            let limit = try Self.pageLimit(query.get("limit"), of: "series")
            var after: Int64?
            if let text = query.get("after") {
                guard let id = Int64(text) else { throw APIError.badRequest("after: expected a series id (the page before's next_after)") }
                after = id
            }
            let filter = SeriesFilter(
                site: query.get("site"), line: query.get("line"), device: query.get("device"), sensor: query.get("sensor"),
                limit: limit, afterID: after)
            let series = try await store.series(filter)
            // A full page may have more behind it: the client asks again with after=next_after.
            let out = PageListCodec.series(series, nextAfter: series.count == limit ? series.last?.id : nil)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: out)))
        }
        router.get("/api/v1/readings") { request, context in
            try authorizer.authorizeRead(request, context: context)
            let query = request.uri.queryParameters
            guard let series = query.get("series", as: Int64.self) else { throw APIError.badRequest("series: required, a series id from /api/v1/series") }
            let now = WallClock.millis()
            let from = try Self.time(query.get("from"), name: "from") ?? now - 3_600_000
            let to = try Self.time(query.get("to"), name: "to") ?? now + 1
            guard from < to else { throw APIError.badRequest("from must be before to") }
            var step: Int64?
            if let text = query.get("step") {
                guard let millis = Self.stepMillis(text), millis > 0 else { throw APIError.badRequest("step: expected a duration such as 10s, 1m, 1h or milliseconds") }
                step = millis
            }
            let aggregationText = query.get("agg") ?? "avg"
            guard let aggregation = Aggregation(rawValue: aggregationText) else { throw APIError.badRequest("agg: expected avg, min, max or last") }
            if let step, (to - from) / step > Int64(Self.maxPoints) { throw APIError.badRequest("step too small: more than \(Self.maxPoints) points") }
            // Raw points come a page at a time; with a step the bucket count is bounded above.
            let page = try await store.readings(series: series, from: from, to: to, step: step, aggregation: aggregation, limit: Self.maxPoints)
            var out = ByteBuffer(string: #"{"series":\#(series),"points":["#)
            for (index, point) in page.points.enumerated() {
                if index > 0 { out.writeString(",") }
                out.writeString("[\(point.ts),\(point.value)]")
            }
            out.writeString("]")
            if let next = page.nextFrom { out.writeString(#","next_from":\#(next)"#) }
            out.writeString("}")
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: out))
        }
        router.get("/api/v1/delivery") { request, context in
            try authorizer.authorizeRead(request, context: context)
            let query = request.uri.queryParameters
            guard let series = query.get("series", as: Int64.self) else { throw APIError.badRequest("series: required, a series id from /api/v1/series") }
            guard let from = try Self.time(query.get("from"), name: "from") else { throw APIError.badRequest("from: required, epoch milliseconds or RFC 3339") }
            guard let to = try Self.time(query.get("to"), name: "to") else { throw APIError.badRequest("to: required, epoch milliseconds or RFC 3339") }
            guard from < to else { throw APIError.badRequest("from must be before to") }
            let storedSince = try Self.time(query.get("stored_since"), name: "stored_since") ?? 0
            let delivery = try await store.delivery(series: series, from: from, to: to, storedSince: storedSince, limit: Self.maxPoints)
            var out = ByteBuffer(string: #"{"series":\#(series),"count":\#(delivery.count),"ts":["#)
            Self.writeIntegers(delivery.ts, to: &out)
            out.writeString(#"],"seq":["#)
            Self.writeIntegers(delivery.seq, to: &out)
            out.writeString(#"],"stored_at":["#)
            Self.writeIntegers(delivery.storedAt, to: &out)
            out.writeString("]")
            if let next = delivery.nextFrom { out.writeString(#","next_from":\#(next)"#) }
            out.writeString("}")
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: out))
        }
        router.get("/api/v1/alerts") { request, context in
            try authorizer.authorizeRead(request, context: context)
            let query = request.uri.queryParameters
            // `all` (the same as no status) is what an edge's site page asks too.
            let status = query.get("status").flatMap { $0 == "all" ? nil : $0 }
            if let status, !["firing", "resolved"].contains(status) { throw APIError.badRequest("status: expected firing, resolved or all") }
            let order = query.get("order") ?? "time"
            guard order == "time" || order == "severity" else { throw APIError.badRequest("order: expected time or severity") }
            let filter = AlertFilter(
                status: status, site: query.get("site"), sinceMillis: try Self.time(query.get("since"), name: "since"),
                limit: min(max(query.get("limit", as: Int.self) ?? 500, 1), 5_000), severityFirst: order == "severity")
            let alerts = try await store.alerts(filter)
            let now = WallClock.millis()
            let acknowledgements = try await store.acknowledgements(alertIDs: alerts.map(\.alertID))
            let suppressions = alerts.isEmpty ? nil : try await store.suppressions(site: filter.site, nowMillis: now)
            var out = ByteBuffer(string: #"{"alerts":["#)
            for (index, alert) in alerts.enumerated() {
                if index > 0 { out.writeString(",") }
                // The stored form with the alarm's management state as one more member.
                out.writeString(String(alert.json.dropLast()))
                out.writeString(#","alarm":"#)
                out.writeBytes(AlarmStateJSON.encode(
                    alert, acknowledgement: acknowledgements[alert.alertID],
                    suppression: suppressions?.suppression(
                        of: AlarmPoint(rule: alert.rule, site: alert.site, line: alert.line, device: alert.device, sensor: alert.sensor),
                        nowMillis: now)))
                out.writeString("}")
            }
            out.writeString("]}")
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: out))
        }
    }

    static func json(_ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func writeIntegers(_ values: [Int64], to out: inout ByteBuffer) {
        for (index, value) in values.enumerated() {
            if index > 0 { out.writeString(",") }
            out.writeString(String(value))
        }
    }

    /// A page's `limit`: 1 to ``maxSeriesPage``, that many when absent.
    static func pageLimit(_ text: String?, of what: String) throws -> Int {
        guard let text else { return maxSeriesPage }
        guard let asked = Int(text), (1...maxSeriesPage).contains(asked) else {
            throw APIError.badRequest("limit: expected 1 to \(maxSeriesPage) \(what)")
        }
        return asked
    }

    /// Epoch milliseconds or RFC 3339.
    /// A query time, clamped to one millisecond either side of what a store can hold (1970–9999):
    /// nothing is stored outside, a `to` past the end still includes the last storable
    /// millisecond, a range ending before 1970 stays a valid empty range, and the readers' hour
    /// and step arithmetic cannot overflow on times from a request.
    static func time(_ text: String?, name: String) throws -> Int64? {
        guard let text else { return nil }
        guard let millis = Int64(text) ?? AlertRecordParser.millis(text) else {
            throw APIError.badRequest("\(name): expected epoch milliseconds or an RFC 3339 time")
        }
        return min(max(millis, TimeMath.plausible.lowerBound - 1), TimeMath.plausible.upperBound + 1)
    }

    /// `10s`, `5m`, `1h`, `500ms` or plain milliseconds.
    static func stepMillis(_ text: String) -> Int64? {
        // Bare numbers are milliseconds here (documented for `step`); everything else is a duration.
        if let millis = Int64(text) { return millis }
        return DurationText.millis(text)
    }
}
