public import Readings

/// The one wire form of the page's lists, written by the core (from its store) and by each edge
/// (from its recent readings) alike:
///
/// - `GET /api/v1/sites`: `{"sites":[{"name":"seoul","last_ts":…,"lines":[{"name":"line1",
///   "devices":[{"name":"press-01","series":4}]}]}],"next_cursor":"…"}` (`next_cursor` when more);
/// - `GET /api/v1/series`: `{"series":[{"id":7,"site":…,"line":…,"device":…,"sensor":…,"unit":…,
///   "count":…,"first_ts":…,"last_ts":…,"last_value":21.5}],"next_after":7}` (`next_after` when more).
///
/// Written by hand: a page of 10,000 series through JSONSerialization took ~0.2 s.
public enum PageListCodec {
    /// A site with its lines and their devices, in the order written.
    public struct Site: Sendable {
        public var name: String
        public var lastTs: Int64
        public var lines: [Line]

        public init(name: String, lastTs: Int64, lines: [Line]) {
            self.name = name
            self.lastTs = lastTs
            self.lines = lines
        }
    }

    public struct Line: Sendable {
        public var name: String
        /// Each device's name and its number of series.
        public var devices: [(name: String, series: Int)]

        public init(name: String, devices: [(name: String, series: Int)]) {
            self.name = name
            self.devices = devices
        }
    }

    /// The body of `GET /api/v1/sites`.
    public static func sites(_ sites: [Site], nextCursor: String?) -> [UInt8] {
        var out: [UInt8] = Array(#"{"sites":["#.utf8)
        for (siteIndex, site) in sites.enumerated() {
            if siteIndex > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"name":"#.utf8)
            BatchCodec.appendString(site.name, to: &out)
            out.append(contentsOf: #","last_ts":"#.utf8)
            BatchCodec.appendInteger(site.lastTs, to: &out)
            out.append(contentsOf: #","lines":["#.utf8)
            for (lineIndex, line) in site.lines.enumerated() {
                if lineIndex > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: #"{"name":"#.utf8)
                BatchCodec.appendString(line.name, to: &out)
                out.append(contentsOf: #","devices":["#.utf8)
                for (deviceIndex, device) in line.devices.enumerated() {
                    if deviceIndex > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: #"{"name":"#.utf8)
                    BatchCodec.appendString(device.name, to: &out)
                    out.append(contentsOf: #","series":"#.utf8)
                    BatchCodec.appendInteger(Int64(device.series), to: &out)
                    out.append(UInt8(ascii: "}"))
                }
                out.append(contentsOf: "]}".utf8)
            }
            out.append(contentsOf: "]}".utf8)
        }
        out.append(UInt8(ascii: "]"))
        if let nextCursor {
            out.append(contentsOf: #","next_cursor":"#.utf8)
            BatchCodec.appendString(nextCursor, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The body of `GET /api/v1/series`.
    public static func series(_ rows: [SeriesInfo], nextAfter: Int64?) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + rows.count * 160)
        out.append(contentsOf: #"{"series":["#.utf8)
        for (index, row) in rows.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"id":"#.utf8)
            BatchCodec.appendInteger(row.id, to: &out)
            for (name, text) in [("site", row.series.site), ("line", row.series.line), ("device", row.series.device),
                                 ("sensor", row.series.sensor), ("unit", row.series.unit)] {
                out.append(contentsOf: #",""#.utf8)
                out.append(contentsOf: name.utf8)
                out.append(contentsOf: #"":"#.utf8)
                BatchCodec.appendString(text, to: &out)
            }
            out.append(contentsOf: #","count":"#.utf8)
            BatchCodec.appendInteger(row.count, to: &out)
            out.append(contentsOf: #","first_ts":"#.utf8)
            BatchCodec.appendInteger(row.firstTs, to: &out)
            out.append(contentsOf: #","last_ts":"#.utf8)
            BatchCodec.appendInteger(row.lastTs, to: &out)
            out.append(contentsOf: #","last_value":"#.utf8)
            out.append(contentsOf: (row.lastValue.isFinite ? row.lastValue.description : "null").utf8)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        if let nextAfter {
            out.append(contentsOf: #","next_after":"#.utf8)
            BatchCodec.appendInteger(nextAfter, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
