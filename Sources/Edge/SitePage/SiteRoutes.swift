import Clocks
import HTTPTypes
import Hummingbird
import Readings
import SitePage

/// The site page on the edge's ops port (`http.page`): the core's page (``SitePage/DashboardPage``,
/// the same script and style) for this edge's own site, from its own data, so it keeps working
/// while the WAN to the core is cut. Its data answers in the core's forms:
/// - `GET /api/v1/sites`: this site's lines and devices (``RecentReadings``);
/// - `GET /api/v1/series?site=&line=&device=&after=&limit=`: their series with the latest reading, paged;
/// - `GET /api/v1/readings?series=&from=&to=`: 30-second averages of the last 15 minutes;
/// - `GET /api/v1/edges`: this edge as the core lists edges (``SitePage/EdgeEntryCodec``), and
///   `core`: whether the core takes its data;
/// - `/api/v1/alerts` and `/api/v1/suppressions` are the ops API's (``OpsServer``).
///
/// Series ids are the edge's own (they change when idle series are forgotten and at a restart);
/// the page asks for series and their history together.
struct SiteRoutes: Sendable {
    /// The data routes the page reads: what `http.page_networks` may read without a token.
    static let pagePaths: Set<String> = [
        "/api/v1/sites", "/api/v1/series", "/api/v1/readings", "/api/v1/edges", "/api/v1/alerts", "/api/v1/suppressions",
    ]
    /// Series in one `/api/v1/series` answer by default, and at most (as at the core).
    static let defaultSeriesPerAnswer = 1_000
    static let maxSeriesPerAnswer = 10_000

    let site: String
    let edge: String
    let recent: RecentReadingsBook
    let own: OwnStatus

    func add(to router: Router<OpsRequestContext>) {
        let page = DashboardPage.html(.site(site: site, edge: edge))
        router.get("/") { _, _ in Self.file(page, type: "text/html; charset=utf-8") }
        router.get("/assets/haetae.css") { _, _ in Self.file(PageStyle.css, type: "text/css; charset=utf-8") }
        router.get("/assets/dashboard.js") { _, _ in Self.file(DashboardScript.javascript, type: "text/javascript; charset=utf-8") }
        for icon in ["/favicon.svg", "/favicon.ico"] {
            router.get(RouterPath(icon)) { _, _ in Self.file(PageStyle.favicon, type: "image/svg+xml") }
        }
        router.get("/api/v1/sites") { _, _ in
            Self.json(PageListCodec.sites(recent.sites(), nextCursor: nil))
        }
        router.get("/api/v1/series") { request, _ in
            let query = request.uri.queryParameters
            let limit = min(max(query.get("limit", as: Int.self) ?? Self.defaultSeriesPerAnswer, 1), Self.maxSeriesPerAnswer)
            var after = -1
            if let text = query.get("after") {
                guard let id = Int(text), id >= -1 else { return Self.badRequest("after: expected a series id (the page before's next_after)") }
                after = id
            }
            let page = recent.series(site: query.get("site"), line: query.get("line"), device: query.get("device"), after: after, limit: limit)
            return Self.json(PageListCodec.series(page.series, nextAfter: page.more ? page.series.last?.id : nil))
        }
        router.get("/api/v1/readings") { request, _ in
            let query = request.uri.queryParameters
            guard let id = query.get("series", as: Int.self) else {
                return Self.badRequest("series: required, a series id from /api/v1/series")
            }
            let now = WallClock.millis()
            let from = query.get("from", as: Int64.self) ?? now - 900_000
            let to = query.get("to", as: Int64.self) ?? now + 1
            guard from < to else { return Self.badRequest("from must be before to (epoch milliseconds)") }
            let points = recent.points(id: id, from: from, to: to)
            var out: [UInt8] = Array(#"{"series":\#(id),"points":["#.utf8)
            for (index, point) in points.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: "[\(point.ts),\(point.value)]".utf8)
            }
            out.append(contentsOf: "]}".utf8)
            return Self.json(out)
        }
        router.get("/api/v1/edges") { _, _ in
            Self.json(Self.edgesJSON(status: own.status(), core: own.core, nowMillis: WallClock.millis()))
        }
    }

    /// `{"core":{…},"edges":[this edge]}`.
    static func edgesJSON(status: EdgeStatus, core: OwnStatus.CoreState, nowMillis: Int64) -> [UInt8] {
        var link = JSONObjectWriter(capacity: 128)
        link.string("detail", core.detail.isEmpty ? nil : core.detail)
        link.time("since", core.lastTakenMillis)
        link.string("state", core.link.rawValue)
        var out: [UInt8] = Array(#"{"core":"#.utf8)
        out.append(contentsOf: link.finished)
        out.append(contentsOf: #","edges":["#.utf8)
        EdgeEntryCodec.append(status, receivedAtMillis: status.atMillis, nowMillis: nowMillis, trend: nil, to: &out)
        out.append(contentsOf: "]}".utf8)
        return out
    }

    /// The page and its assets, with the browser's safety headers (``SitePage/PageStyle/securityHeaders``, as the core sends them).
    static func file(_ text: String, type: String) -> Response {
        var headers: HTTPFields = [.contentType: type, .cacheControl: "no-cache"]
        for (name, value) in PageStyle.securityHeaders {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ bytes: [UInt8]) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store", .xContentTypeOptions: "nosniff"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func badRequest(_ message: String) -> Response {
        var body = Array(#"{"error":{"code":"bad_request","message":"#.utf8)
        BatchCodec.appendString(message, to: &body)
        body.append(contentsOf: "}}".utf8)
        return Response(status: .badRequest, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
