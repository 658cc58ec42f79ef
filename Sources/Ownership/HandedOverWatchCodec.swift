internal import Foundation

/// The one codec of ``HandedOverWatch`` (JSON, version 2), grouped by device:
/// `{"v":2,"epoch":7,"edge":"seoul-a","at":1796…,"base":1796…,"devices":[{"s":"seoul","l":"line1",
/// "d":"press-07","n":["temperature","pressure"],"u":["C","bar"],"t":[0,1796…]}]}`.
/// `t` is 0 for a series reporting when the record was made (``HandedOverWatch/isReporting(_:)``;
/// it decodes as `at`), else when it was last seen; `base` only on changes.
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
        var base: Int64?
        var devices: [Device]
    }

    private struct Device: Codable {
        var s: String
        var l: String
        var d: String
        var n: [String]
        var u: [String]
        var t: [Int64]
    }

    private struct DeviceKey: Hashable {
        var site: String
        var line: String
        var device: String
    }

    public static func encode(_ watch: HandedOverWatch) -> [UInt8] {
        var devices: [Device] = []
        var index: [DeviceKey: Int] = [:]
        for entry in watch.series {
            let key = DeviceKey(site: entry.site, line: entry.line, device: entry.device)
            let position: Int
            if let known = index[key] {
                position = known
            } else {
                position = devices.count
                index[key] = position
                devices.append(Device(s: entry.site, l: entry.line, d: entry.device, n: [], u: [], t: []))
            }
            devices[position].n.append(entry.sensor)
            devices[position].u.append(entry.unit)
            devices[position].t.append(watch.isReporting(entry) ? 0 : entry.lastSeenMillis)
        }
        let wire = Wire(v: 2, epoch: watch.epoch, edge: watch.edge, at: watch.atMillis, base: watch.baseAtMillis, devices: devices)
        // Strings and whole numbers: encoding cannot fail.
        return Array((try? JSONEncoder().encode(wire)) ?? Data())
    }

    public static func decode(_ bytes: some Collection<UInt8>) throws(SiteRecordError) -> HandedOverWatch {
        let wire = try Wire.decode(bytes, maxBytes: maxBytes, version: 2)
        guard HandedOverAlertCodec.isName(wire.edge, mayBeEmpty: false) else {
            throw .field("edge", "empty, longer than \(HandedOverAlertCodec.maxNameBytes) bytes or with control characters")
        }
        guard HandedOverAlertCodec.millisRange.contains(wire.at) else { throw .field("at", "\(wire.at) is not a time in 1970…9999 (ms)") }
        if let base = wire.base, !HandedOverAlertCodec.millisRange.contains(base) || base > wire.at {
            throw .field("base", "\(base) is not a time in 1970…9999 (ms) before at")
        }
        let total = wire.devices.reduce(0) { $0 + $1.n.count }
        guard total <= maxSeries else { throw .field("devices", "\(total) series, more than \(maxSeries)") }
        var series: [HandedOverWatch.Series] = []
        series.reserveCapacity(total)
        for (index, device) in wire.devices.enumerated() {
            for (name, value) in [("s", device.s), ("l", device.l), ("d", device.d)]
            where !HandedOverAlertCodec.isName(value, mayBeEmpty: false) {
                throw .field("devices[\(index)].\(name)", "empty, longer than \(HandedOverAlertCodec.maxNameBytes) bytes or with control characters")
            }
            guard device.u.count == device.n.count, device.t.count == device.n.count else {
                throw .field("devices[\(index)]", "\(device.n.count) sensors but \(device.u.count) units and \(device.t.count) times")
            }
            for position in device.n.indices {
                guard HandedOverAlertCodec.isName(device.n[position], mayBeEmpty: false) else {
                    throw .field("devices[\(index)].n[\(position)]", "empty, longer than \(HandedOverAlertCodec.maxNameBytes) bytes or with control characters")
                }
                guard HandedOverAlertCodec.isName(device.u[position], mayBeEmpty: true) else {
                    throw .field("devices[\(index)].u[\(position)]", "longer than \(HandedOverAlertCodec.maxNameBytes) bytes or with control characters")
                }
                let time = device.t[position]
                guard time == 0 || HandedOverAlertCodec.millisRange.contains(time) else {
                    throw .field("devices[\(index)].t[\(position)]", "\(time) is neither 0 (reporting) nor a time in 1970…9999 (ms)")
                }
                series.append(.init(
                    site: device.s, line: device.l, device: device.d, sensor: device.n[position], unit: device.u[position],
                    lastSeenMillis: time == 0 ? wire.at : time))
            }
        }
        return HandedOverWatch(epoch: wire.epoch, edge: wire.edge, atMillis: wire.at, baseAtMillis: wire.base, series: series)
    }
}
