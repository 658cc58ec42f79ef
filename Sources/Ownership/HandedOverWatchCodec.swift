internal import Foundation

/// The one codec of ``HandedOverWatch`` (JSON, version 1): `{"v":1,"epoch":7,"edge":"seoul-a",
/// "at":1796…,"series":[{"s":"seoul","l":"line1","d":"press-07","n":"temperature","u":"C","t":1796…}]}`.
///
/// Bounded before it is read and checked field by field, like every record on the site broker;
/// a bad one is an error naming the field, and the standby keeps the last good one.
public enum HandedOverWatchCodec {
    /// Most series in one record; beyond it the active leaves out the most recently seen ones
    /// (a silent device is the one that matters).
    public static let maxSeries = 100_000
    /// Longest payload decoded.
    public static let maxBytes = 16 * 1_024 * 1_024

    private struct Wire: Codable, SiteRecordWire {
        var v: Int
        var epoch: UInt64
        var edge: String
        var at: Int64
        var series: [Entry]
    }

    private struct Entry: Codable {
        var s: String
        var l: String
        var d: String
        var n: String
        var u: String
        var t: Int64
    }

    public static func encode(_ watch: HandedOverWatch) -> [UInt8] {
        let wire = Wire(
            v: 1, epoch: watch.epoch, edge: watch.edge, at: watch.atMillis,
            series: watch.series.map { Entry(s: $0.site, l: $0.line, d: $0.device, n: $0.sensor, u: $0.unit, t: $0.lastSeenMillis) })
        // Strings and whole numbers: encoding cannot fail.
        return Array((try? JSONEncoder().encode(wire)) ?? Data())
    }

    public static func decode(_ bytes: some Collection<UInt8>) throws(SiteRecordError) -> HandedOverWatch {
        let wire = try Wire.decode(bytes, maxBytes: maxBytes)
        guard HandedOverAlertCodec.isName(wire.edge, mayBeEmpty: false) else {
            throw .field("edge", "empty, longer than \(HandedOverAlertCodec.maxNameBytes) bytes or with control characters")
        }
        guard HandedOverAlertCodec.millisRange.contains(wire.at) else { throw .field("at", "\(wire.at) is not a time in 1970…9999 (ms)") }
        guard wire.series.count <= maxSeries else { throw .field("series", "\(wire.series.count) entries, more than \(maxSeries)") }
        var series: [HandedOverWatch.Series] = []
        series.reserveCapacity(wire.series.count)
        for (index, entry) in wire.series.enumerated() {
            for (name, value) in [("s", entry.s), ("l", entry.l), ("d", entry.d), ("n", entry.n)]
            where !HandedOverAlertCodec.isName(value, mayBeEmpty: false) {
                throw .field("series[\(index)].\(name)", "empty, longer than \(HandedOverAlertCodec.maxNameBytes) bytes or with control characters")
            }
            guard HandedOverAlertCodec.isName(entry.u, mayBeEmpty: true) else {
                throw .field("series[\(index)].u", "longer than \(HandedOverAlertCodec.maxNameBytes) bytes or with control characters")
            }
            guard HandedOverAlertCodec.millisRange.contains(entry.t) else {
                throw .field("series[\(index)].t", "\(entry.t) is not a time in 1970…9999 (ms)")
            }
            series.append(.init(site: entry.s, line: entry.l, device: entry.d, sensor: entry.n, unit: entry.u, lastSeenMillis: entry.t))
        }
        return HandedOverWatch(epoch: wire.epoch, edge: wire.edge, atMillis: wire.at, series: series)
    }
}
