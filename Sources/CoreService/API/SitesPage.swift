import CoreStorage
import Foundation

/// One page of `GET /api/v1/sites`: at most `limit` devices, in (site, line, device) order,
/// after the device a cursor names. A plant of 100,000 devices is then many small answers, not
/// one answer of tens of megabytes that every page load would wait for.
///
/// The cursor is opaque to clients: base64url of the JSON array `[site, line, device]` of the
/// last device of the page before. Sites and lines appear on every page that has devices of
/// theirs (with the site's `last_ts`), so a client merges pages by name.
struct SitesPage {
    var sites: [SiteSummary]
    /// The cursor for the next page; nil on the last one.
    var nextCursor: String?

    /// The device a cursor names.
    struct DeviceKey: Comparable {
        var site: String
        var line: String
        var device: String

        static func < (lhs: DeviceKey, rhs: DeviceKey) -> Bool {
            (lhs.site, lhs.line, lhs.device) < (rhs.site, rhs.line, rhs.device)
        }
    }

    init(_ all: [SiteSummary], after: DeviceKey?, limit: Int) {
        var out: [SiteSummary] = []
        var taken = 0
        var last: DeviceKey?
        var more = false
        outer: for site in all.sorted(by: { $0.name < $1.name }) {
            var lines: [SiteSummary.Line] = []
            for line in site.lines.sorted(by: { $0.name < $1.name }) {
                var devices: [String: Int] = [:]
                for name in line.devices.keys.sorted() {
                    let key = DeviceKey(site: site.name, line: line.name, device: name)
                    if let after, key <= after { continue }
                    guard taken < limit else {
                        more = true
                        if !devices.isEmpty { lines.append(.init(name: line.name, devices: devices)) }
                        if !lines.isEmpty { out.append(.init(name: site.name, lines: lines, lastTs: site.lastTs)) }
                        break outer
                    }
                    devices[name] = line.devices[name]
                    taken += 1
                    last = key
                }
                if !devices.isEmpty { lines.append(.init(name: line.name, devices: devices)) }
            }
            if !lines.isEmpty { out.append(.init(name: site.name, lines: lines, lastTs: site.lastTs)) }
        }
        sites = out
        nextCursor = more ? last.map(Self.encode) : nil
    }

    static func encode(_ key: DeviceKey) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [key.site, key.line, key.device])) ?? Data()
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The device a cursor names; nil when it is not one of ours (400 for the client).
    static func decode(_ cursor: String) -> DeviceKey? {
        guard cursor.count <= 4_096 else { return nil }
        var text = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text),
            let fields = try? JSONSerialization.jsonObject(with: data) as? [String], fields.count == 3
        else { return nil }
        return DeviceKey(site: fields[0], line: fields[1], device: fields[2])
    }
}
