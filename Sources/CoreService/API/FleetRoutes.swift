import Clocks
import CoreStorage
import Foundation
import Hummingbird
import Readings
import SitePage

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
    /// reported (`health: "never"`); an edge whose token was removed is not listed. Each entry in
    /// the one form an edge's site page uses too (``EdgeEntryCodec``).
    static func edgesJSON(_ entries: [EdgeFleet.Entry], tokens: EdgeTokens, site: String?, nowMillis: Int64) -> [UInt8] {
        var out: [UInt8] = Array(#"{"edges":["#.utf8)
        var first = true
        func separator() {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
        }
        let configured = Set(tokens.edges)
        // Edges that reported, whatever the filter: the rest of the configured ones never did.
        let reported = Set(entries.map(\.status.edge))
        for entry in entries where configured.contains(entry.status.edge) && (site == nil || entry.status.site == site) {
            var trend = EdgeEntryCodec.Trend()
            for point in entry.trend {
                trend.atMillis.append(point.atMillis)
                trend.backlogReadings.append(Double(point.backlogReadings))
                trend.forwardRate.append(point.forwardRate)
                trend.ingestRate.append(point.ingestRate)
                trend.spoolBytes.append(Double(point.spoolBytes))
            }
            separator()
            EdgeEntryCodec.append(entry.status, receivedAtMillis: entry.receivedAtMillis, nowMillis: nowMillis, trend: trend, to: &out)
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
