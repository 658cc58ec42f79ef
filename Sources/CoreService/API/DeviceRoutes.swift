import Clocks
import Foundation
import Hummingbird
import Readings

/// `GET /api/v1/devices`: every device the core heard of (``DeviceRegistry``), with when it was
/// first and last seen, whether it is silent, its sensors and rate, the messages it numbered
/// that never arrived, and its clock.
struct DeviceRoutes: Sendable {
    let devices: DeviceRegistry
    let authorizer: Authorizer

    /// Which devices `state=` lists.
    enum StateFilter: String, CaseIterable {
        case all, silent, clock_off, missing
    }

    /// The most devices one answer lists (`limit=`, default and maximum).
    static let maxLimit = 10_000

    func add(to router: Router<CoreRequestContext>) {
        router.get("/api/v1/devices") { request, context in
            try authorizer.authorizeRead(request, context: context)
            let query = request.uri.queryParameters
            let state: StateFilter
            if let text = query.get("state") {
                guard let parsed = StateFilter(rawValue: text) else {
                    throw APIError.badRequest("state must be one of \(StateFilter.allCases.map(\.rawValue).joined(separator: ", ")), got \(text.prefix(64))")
                }
                state = parsed
            } else {
                state = .all
            }
            var limit = Self.maxLimit
            if let text = query.get("limit") {
                guard let value = Int(text), (1...Self.maxLimit).contains(value) else {
                    throw APIError.badRequest("limit must be an integer from 1 to \(Self.maxLimit), got \(text.prefix(64))")
                }
                limit = value
            }
            let body = Self.json(
                devices, site: query.get("site"), line: query.get("line"), state: state, limit: limit, nowMillis: WallClock.millis())
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    /// `{"count":N,"devices":[…],"devices_not_tracked":N,"truncated":bool,"unresolved_readings":N}`.
    static func json(
        _ registry: DeviceRegistry, site: String?, line: String?, state: StateFilter, limit: Int, nowMillis: Int64
    ) -> [UInt8] {
        let threshold = registry.clockThresholdMillis
        let matching = registry.devices(site: site, line: line).filter { record in
            switch state {
            case .all: true
            case .silent: record.isSilent(nowMillis: nowMillis)
            case .clock_off: record.clock.isOff(thresholdMillis: threshold)
            case .missing: record.seq.missing > 0
            }
        }
        var list: [UInt8] = [UInt8(ascii: "[")]
        for (index, record) in matching.prefix(limit).enumerated() {
            if index > 0 { list.append(UInt8(ascii: ",")) }
            list += device(record, threshold: threshold, nowMillis: nowMillis)
        }
        list.append(UInt8(ascii: "]"))
        let counts = registry.counts
        var object = JSONObjectWriter(capacity: list.count + 128)
        object.integer("count", Int64(matching.count))
        object.raw("devices", list)
        object.integer("devices_not_tracked", counts.devicesNotTracked)
        object.bool("truncated", matching.count > limit)
        object.integer("unresolved_readings", counts.unresolvedReadings)
        return object.finished
    }

    static func device(_ record: DeviceRecord, threshold: Int64, nowMillis: Int64) -> [UInt8] {
        let silent = record.isSilent(nowMillis: nowMillis)
        var clock = JSONObjectWriter(capacity: 96)
        clock.raw("offset_ms", (record.clock.offsetMillis.map(String.init) ?? "null").utf8)
        clock.bool("off", record.clock.isOff(thresholdMillis: threshold))
        clock.integer("uncertainty_ms", record.clock.uncertaintyMillis)
        var seq = JSONObjectWriter(capacity: 96)
        seq.raw("highest", (record.seq.highest.map(String.init) ?? "null").utf8)
        seq.integer("late", record.seq.late)
        seq.integer("missing", record.seq.missing)
        seq.integer("restarts", record.seq.restarts)
        var sensors: [UInt8] = [UInt8(ascii: "[")]
        for (index, sensor) in record.sensors.sorted().enumerated() {
            if index > 0 { sensors.append(UInt8(ascii: ",")) }
            var entry = JSONObjectWriter(capacity: 48)
            entry.string("name", sensor.name)
            entry.string("unit", sensor.unit)
            sensors += entry.finished
        }
        sensors.append(UInt8(ascii: "]"))
        let rate = record.readingsPerSecond(nowMillis: nowMillis)
        var object = JSONObjectWriter(capacity: 512)
        object.raw("clock", clock.finished)
        object.string("device", record.key.device)
        object.string("edge", record.edge)
        object.time("first_seen", record.firstSeenMillis)
        object.time("last_seen", record.lastSeenMillis)
        object.string("line", record.key.line)
        object.raw("rate", (((rate * 1_000).rounded() / 1_000).description).utf8)
        object.integer("readings", record.readings)
        object.integer("sensors_not_listed", record.sensorsNotListed)
        object.raw("sensors", sensors)
        object.raw("seq", seq.finished)
        object.bool("silent", silent)
        object.time("silent_since", silent ? record.lastSeenMillis : nil)
        object.string("site", record.key.site)
        return object.finished
    }
}
