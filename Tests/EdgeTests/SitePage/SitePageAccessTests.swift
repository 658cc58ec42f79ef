import AccessControl
@testable import Edge
import Hummingbird
import Readings
import SitePage
import Testing

@Suite("The site page: who may read its data, and what it serves")
struct SitePageAccessTests {
    static let access = OpsAPIAccess(
        token: "0123456789abcdef0123", pageNetworks: [NetworkRange("10.20.0.0/16")!], pageHost: "seoul-edge.factory.example")

    @Test("a machine of http.page_networks reads the page's data (GET) with an IP address or the page's host in Host")
    func pageNetworks() {
        let read = { (path: String, peer: String, host: String) in
            Self.access.verdict(path: path, method: .get, peer: peer, authority: host, authorization: nil)
        }
        #expect(read("/api/v1/sites", "10.20.3.4", "10.20.0.5:9100") == .allow)
        #expect(read("/api/v1/readings", "10.20.3.4", "seoul-edge.factory.example:9100") == .allow)
        #expect(read("/api/v1/edges", "::ffff:10.20.3.4", "[fd00::5]:9100") == .allow)
        // A rebound name, another network, another route, another method: refused.
        if case .refuse(let status, _) = read("/api/v1/sites", "10.20.3.4", "evil.example:9100") { #expect(status == .forbidden) } else { Issue.record("allowed") }
        if case .refuse(let status, _) = read("/api/v1/sites", "10.99.0.1", "10.20.0.5") { #expect(status == .unauthorized) } else { Issue.record("allowed") }
        if case .refuse(let status, _) = read("/api/v1/rules", "10.20.3.4", "10.20.0.5") { #expect(status == .unauthorized) } else { Issue.record("allowed") }
        #expect(Self.access.verdict(path: "/api/v1/sites", method: .post, peer: "10.20.3.4", authority: "10.20.0.5", authorization: nil) != .allow)
        // A path the router resolves to an API route is one: doubled slashes, `.`, percent-encoding.
        for sneaky in ["//api/v1/rules", "/api//v1/rules", "/./api/v1/rules", "/%61pi/v1/rules", "//api/v1/sites"] {
            #expect(read(sneaky, "10.99.0.1", "10.20.0.5") != .allow, "\(sneaky)")
            #expect(read(sneaky, "127.0.0.1", "evil.example") != .allow, "\(sneaky)")
        }
        #expect(read("//api/v1/sites", "10.20.3.4", "10.20.0.5") == .allow, "a page route however written")
        // The token and loopback work as before; the page and probes are open.
        #expect(Self.access.verdict(path: "/api/v1/rules", method: .get, peer: "10.99.0.1", authority: "x", authorization: "Bearer 0123456789abcdef0123") == .allow)
        #expect(read("/api/v1/rules", "127.0.0.1", "localhost:9100") == .allow)
        #expect(read("/", "10.99.0.1", "evil.example") == .allow && read("/metrics", "10.99.0.1", "x") == .allow)
        // Without page_url, a name in Host is never enough.
        let noHost = OpsAPIAccess(token: nil, pageNetworks: [NetworkRange("10.20.0.0/16")!], pageHost: nil)
        #expect(noHost.verdict(path: "/api/v1/sites", method: .get, peer: "10.20.3.4", authority: nil, authorization: nil) != .allow)
        #expect(noHost.verdict(path: "/api/v1/sites", method: .get, peer: "10.20.3.4", authority: "edge", authorization: nil) != .allow)
    }

    @Test("the edge lists itself in the core's form with whether the core takes its data")
    func edgesJSON() throws {
        let status = EdgeStatus(
            edge: "seoul-a", site: "seoul", version: "0.1.0", role: .lone, atMillis: 1_796_628_590_000, intervalMillis: 5_000,
            mqttConnected: false, pageURL: "http://10.20.0.5:9100/")
        let core = OwnStatus.CoreState(link: .unreachable, lastTakenMillis: 1_796_628_500_000, detail: "connection refused")
        let text = String(decoding: SiteRoutes.edgesJSON(status: status, core: core, nowMillis: 1_796_628_590_100), as: UTF8.self)
        #expect(text.hasPrefix(#"{"core":{"detail":"connection refused","since":"2026-12-07T07:28:20.000Z","state":"unreachable"},"edges":[{"#))
        #expect(text.contains(#""health":"warning""#) && text.contains("not connected to the site broker") && text.contains(#""page_url":"http://10.20.0.5:9100/""#))
        #expect(!text.contains(#""trend""#))
    }

    @Test("the page and its assets carry the browser's safety headers; the site page has the site's panels only, names escaped")
    func pageAnswers() {
        let response = SiteRoutes.file("x", type: "text/html")
        #expect(response.headers[.contentSecurityPolicy] == PageStyle.contentSecurityPolicy)
        #expect(response.headers[.xContentTypeOptions] == "nosniff" && response.headers.contains { $0.name.rawName == "Cross-Origin-Opener-Policy" && $0.value == "same-origin" })
        let site = DashboardPage.html(.site(site: "seoul", edge: "<b>edge</b>"))
        #expect(site.contains(#"data-scope="site""#) && site.contains("&lt;b&gt;edge&lt;/b&gt;") && !site.contains("<b>edge"))
        #expect(site.contains(#"id="suppressions""#) && !site.contains(#"id="kpis""#) && !site.contains(#"id="accounts""#))
        let core = DashboardPage.html(.core)
        #expect(core.contains(#"data-scope="core""#) && core.contains(#"id="kpis""#) && core.contains(#"id="audit""#))
    }
}
