@testable import CoreService
import CoreStorage
import Testing

@Suite("Sites pages")
struct SitesPageTests {
    /// Two sites, three lines, 25 devices; names that sort differently from insertion order.
    let plant: [SiteSummary] = [
        SiteSummary(name: "seoul", lines: [
            .init(name: "line-2", devices: Dictionary(uniqueKeysWithValues: (0..<10).map { ("press-\($0)", 4) })),
            .init(name: "line-1", devices: Dictionary(uniqueKeysWithValues: (0..<10).map { ("kiln-\($0)", 2) })),
        ], lastTs: 20),
        SiteSummary(name: "gwangju", lines: [.init(name: "a", devices: Dictionary(uniqueKeysWithValues: (0..<5).map { ("gas-\($0)", 1) }))], lastTs: 10),
    ]

    @Test("pages of 7 devices list every device once, in order, with its site and line, and the last page has no cursor")
    func pagesCoverThePlant() throws {
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let after = try cursor.map { try #require(SitesPage.decode($0)) }
            let page = SitesPage(plant, after: after, limit: 7)
            pages += 1
            let devices = page.sites.flatMap { site in site.lines.flatMap { line in line.devices.keys.sorted().map { "\(site.name)/\(line.name)/\($0)" } } }
            #expect(devices.count <= 7)
            seen += devices
            #expect(page.sites.allSatisfy { $0.lastTs == ($0.name == "seoul" ? 20 : 10) })
            cursor = page.nextCursor
        } while cursor != nil
        #expect(pages == 4)
        #expect(seen.count == 25 && Set(seen).count == 25)
        #expect(seen == seen.sorted())
        #expect(seen.first == "gwangju/a/gas-0")
    }

    @Test("a cursor round-trips any names, and anything else is refused")
    func cursors() {
        let key = SitesPage.DeviceKey(site: "서울", line: "line/2 \"b\"", device: "=+&")
        #expect(SitesPage.decode(SitesPage.encode(key)) == key)
        #expect(SitesPage.decode("not a cursor") == nil)
        #expect(SitesPage.decode("WyJhIl0") == nil)  // ["a"]: one field
        #expect(SitesPage.decode(String(repeating: "A", count: 5_000)) == nil)
    }
}
