import Clocks
import CoreStorage
import Foundation
import Hummingbird
import Readings

/// `GET /api/v1/edges`: every edge the core has a token for, with its latest status report,
/// how the core judges it (``EdgeAssessment``) and the trend of its figures.
struct FleetRoutes: Sendable {
    let fleet: EdgeFleet
    let authorizer: Authorizer

    func add(to router: Router<CoreRequestContext>) {
        router.get("/api/v1/edges") { request, context in
            try authorizer.authorizeRead(request, context: context)
            let site = request.uri.queryParameters.get("site")
            let body = Self.edgesJSON(fleet.all, tokens: authorizer.edgeTokens, site: site, nowMillis: WallClock.millis())
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    /// `{"edges":[…]}`: reporting edges by site and name, then those with a token that never
    /// reported (`health: "never"`); an edge whose token was removed is not listed. Written by
    /// hand around each report's wire form.
    static func edgesJSON(_ entries: [EdgeFleet.Entry], tokens: EdgeTokens, site: String?, nowMillis: Int64) -> [UInt8] {
        var out: [UInt8] = Array(#"{"edges":["#.utf8)
        var first = true
        func separator() {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
        }
        func member(_ name: String, _ value: String) {
            BatchCodec.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: value.utf8)
            out.append(UInt8(ascii: ","))
        }
        func numbers(_ values: [Double]) -> String {
            "[" + values.map { value in
                let kept = abs(value) < 1e12 ? (value * 1_000).rounded() / 1_000 : value
                return kept.isFinite ? kept.description : "null"
            }.joined(separator: ",") + "]"
        }
        let configured = Set(tokens.edges)
        // Edges that reported, whatever the filter: the rest of the configured ones never did.
        let reported = Set(entries.map(\.status.edge))
        for entry in entries where configured.contains(entry.status.edge) && (site == nil || entry.status.site == site) {
            let assessment = EdgeAssessment(entry.status, receivedAtMillis: entry.receivedAtMillis, nowMillis: nowMillis)
            let limits = EdgeAssessment.thresholds(intervalMillis: entry.status.intervalMillis)
            separator()
            out.append(UInt8(ascii: "{"))
            member("clock_offset_ms", String(assessment.clockOffsetMillis))
            member("down_after_ms", String(limits.down))
            BatchCodec.appendString("edge", to: &out)
            out.append(UInt8(ascii: ":"))
            BatchCodec.appendString(entry.status.edge, to: &out)
            out.append(UInt8(ascii: ","))
            member("health", "\"\(assessment.health.rawValue)\"")
            var problems: [UInt8] = [UInt8(ascii: "[")]
            for (index, problem) in assessment.problems.enumerated() {
                if index > 0 { problems.append(UInt8(ascii: ",")) }
                BatchCodec.appendString(problem, to: &problems)
            }
            problems.append(UInt8(ascii: "]"))
            member("last_report", "\"\(RFC3339.format(millis: entry.receivedAtMillis))\"")
            member("problems", String(decoding: problems, as: UTF8.self))
            member("silent_ms", String(assessment.silentMillis))
            BatchCodec.appendString("site", to: &out)
            out.append(UInt8(ascii: ":"))
            BatchCodec.appendString(entry.status.site, to: &out)
            out.append(UInt8(ascii: ","))
            member("stale_after_ms", String(limits.stale))
            member("status", String(decoding: EdgeStatusCodec.encode(entry.status), as: UTF8.self))
            let trend = entry.trend
            let times = trend.map { "\"\(RFC3339.format(millis: $0.atMillis))\"" }.joined(separator: ",")
            BatchCodec.appendString("trend", to: &out)
            out.append(contentsOf: #":{"at":["#.utf8)
            out.append(contentsOf: times.utf8)
            out.append(contentsOf: #"],"backlog_readings":"#.utf8)
            out.append(contentsOf: numbers(trend.map { Double($0.backlogReadings) }).utf8)
            out.append(contentsOf: #","forward_rate":"#.utf8)
            out.append(contentsOf: numbers(trend.map(\.forwardRate)).utf8)
            out.append(contentsOf: #","ingest_rate":"#.utf8)
            out.append(contentsOf: numbers(trend.map(\.ingestRate)).utf8)
            out.append(contentsOf: #","spool_bytes":"#.utf8)
            out.append(contentsOf: numbers(trend.map { Double($0.spoolBytes) }).utf8)
            out.append(contentsOf: "}}".utf8)
        }
        for edge in tokens.edges where !reported.contains(edge) {
            let sites = tokens.sites(of: edge).map { $0.sorted() } ?? []
            // An edge limited to one site belongs there; one that may write any site shows under none.
            let edgeSite = sites.count == 1 ? sites[0] : ""
            guard site == nil || edgeSite == site else { continue }
            separator()
            out.append(contentsOf: #"{"edge":"#.utf8)
            BatchCodec.appendString(edge, to: &out)
            out.append(contentsOf: #","health":"never","problems":["never reported its status"],"site":"#.utf8)
            BatchCodec.appendString(edgeSite, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }
}
