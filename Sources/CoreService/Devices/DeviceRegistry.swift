public import Readings
import Synchronization

/// Every device the core has heard of, built from the batches it stores (``DeviceRecord``):
/// `GET /api/v1/devices` and the page's "last seen" and "silent since" read it.
///
/// Bounded: at most `maxDevices` devices (more are counted, not kept) and one series dictionary
/// per edge, as the store keeps. Updated once per stored batch under one lock; the per-reading
/// work is a lookup of the reading's series and a few additions.
public final class DeviceRegistry: Sendable {
    /// What the registry holds beyond the records.
    public struct Counts: Sendable, Equatable {
        /// Devices not kept because `maxDevices` were known.
        public var devicesNotTracked: Int64 = 0
        /// Readings whose series the registry could not name (a dictionary key the store did not
        /// know either).
        public var unresolvedReadings: Int64 = 0
    }

    private struct KeyBook {
        var dictionary: Int64
        var series: [UInt32: Series]
    }

    private struct State {
        var devices: [DeviceRecord.Key: DeviceRecord] = [:]
        /// Devices changed since they were last kept in the store.
        var dirty: Set<DeviceRecord.Key> = []
        var books: [String: KeyBook] = [:]
        var counts = Counts()
    }

    public let maxDevices: Int
    /// A device clock off by more than this (beyond what the edge's windows leave open) is flagged.
    public let clockThresholdMillis: Int64
    private let state = Mutex(State())

    public init(maxDevices: Int = 100_000, clockThresholdMillis: Int64 = 2_000) {
        self.maxDevices = max(maxDevices, 1)
        self.clockThresholdMillis = clockThresholdMillis
    }

    /// True when `batch` names series by dictionary keys the registry does not know yet (a core
    /// restarted since the edge defined them): ask the store (``learn(edge:dictionary:series:)``).
    public func needsKeys(_ batch: Batch) -> Bool {
        guard let dictionary = batch.dictionary else { return false }
        return state.withLock { state in
            let book = state.books[batch.edge].flatMap { $0.dictionary == dictionary ? $0 : nil }
            let defined = Set(batch.seriesKeys)
            return batch.sid.contains { !defined.contains($0) && book?.series[$0] == nil }
        }
    }

    /// Adds what the store knows of an edge's dictionary.
    public func learn(edge: String, dictionary: Int64, series: [UInt32: Series]) {
        state.withLock { state in
            if state.books[edge]?.dictionary != dictionary { state.books[edge] = KeyBook(dictionary: dictionary, series: [:]) }
            // Changed in place: a copy of an edge's whole dictionary under the lock would cost
            // as much as the dictionary is large.
            state.books[edge]!.series.merge(series) { current, _ in current }
        }
    }

    /// Takes a batch the store has just stored (not a duplicate).
    /// - Parameter receivedAtMillis: when the core took it: the time seen for edges that do not
    ///   send their `received` window.
    public func record(_ batch: Batch, receivedAtMillis: Int64) {
        let seenAt = Self.seenAt(batch.received, receivedAtMillis: receivedAtMillis)
        state.withLock { state in
            // Series of the batch's keys: inline, defined in it, or known from before.
            if let dictionary = batch.dictionary {
                if state.books[batch.edge]?.dictionary != dictionary { state.books[batch.edge] = KeyBook(dictionary: dictionary, series: [:]) }
                for (key, series) in zip(batch.seriesKeys, batch.series) { state.books[batch.edge]!.series[key] = series }
            }
            let keyed = batch.dictionary == nil ? [:] : state.books[batch.edge]?.series ?? [:]
            func series(of sid: UInt32) -> Series? {
                batch.dictionary == nil ? (Int(sid) < batch.series.count ? batch.series[Int(sid)] : nil) : keyed[sid]
            }
            // The batch's readings by device, in the order the edge took them.
            var groupOfSid: [UInt32: Int] = [:]
            var groupOfDevice: [DeviceRecord.Key: Int] = [:]
            var groups: [(key: DeviceRecord.Key, sensors: Set<DeviceRecord.Sensor>, seqs: [Int64], ts: [Int64])] = []
            for index in 0..<batch.count {
                let sid = batch.sid[index]
                let group: Int
                if let known = groupOfSid[sid] {
                    group = known
                } else {
                    guard let named = series(of: sid) else {
                        state.counts.unresolvedReadings += 1
                        continue
                    }
                    let key = DeviceRecord.Key(site: named.site, line: named.line, device: named.device)
                    let sensor = DeviceRecord.Sensor(name: named.sensor, unit: named.unit)
                    if let existing = groupOfDevice[key] {
                        group = existing
                    } else {
                        group = groups.count
                        groupOfDevice[key] = group
                        groups.append((key, [], [], []))
                    }
                    groups[group].sensors.insert(sensor)
                    groupOfSid[sid] = group
                }
                groups[group].seqs.append(batch.deviceSeq[index])
                groups[group].ts.append(batch.ts[index])
            }
            for group in groups {
                if state.devices[group.key] == nil {
                    guard state.devices.count < maxDevices else {
                        state.counts.devicesNotTracked += 1
                        continue
                    }
                    state.devices[group.key] = DeviceRecord(key: group.key, edge: batch.edge, seenAtMillis: seenAt)
                }
                state.devices[group.key]!.take(
                    edge: batch.edge, seenAtMillis: seenAt, sensors: group.sensors, seqs: group.seqs, timestamps: group.ts,
                    window: batch.received)
                state.dirty.insert(group.key)
            }
        }
    }

    /// When the edge took a batch's readings, on the core's terms: the edge's seal time, but never
    /// after the core received the batch (an edge clock ahead) nor more than ``maxBacklogMillis``
    /// before (an edge clock far behind, or unset): an edge's clock is trusted only that far.
    static func seenAt(_ received: ClosedRange<Int64>?, receivedAtMillis: Int64) -> Int64 {
        guard let sealed = received?.upperBound else { return receivedAtMillis }
        return min(max(sealed, receivedAtMillis - maxBacklogMillis), receivedAtMillis)
    }

    /// The longest an edge may have held readings before the core got them (30 days: what a
    /// spool holds through a long WAN cut).
    static let maxBacklogMillis: Int64 = 30 * 86_400_000

    /// Devices by state at `nowMillis`, counted in one pass under the lock (for `/metrics`).
    public func summary(nowMillis: Int64) -> (all: Int, silent: Int, clockOff: Int, missing: Int, messagesMissing: Int64, counts: Counts) {
        state.withLock { state in
            var silent = 0, clockOff = 0, missing = 0
            var messagesMissing: Int64 = 0
            for record in state.devices.values {
                if record.isSilent(nowMillis: nowMillis) { silent += 1 }
                if record.clock.isOff(thresholdMillis: clockThresholdMillis) { clockOff += 1 }
                if record.seq.missing > 0 { missing += 1 }
                messagesMissing += record.seq.missing
            }
            return (state.devices.count, silent, clockOff, missing, messagesMissing, state.counts)
        }
    }

    /// The records changed since the last call, to keep in the store (``DeviceRegistryKeeper``).
    public func takeChanged() -> [DeviceRecord] {
        state.withLock { state in
            let changed = state.dirty.compactMap { state.devices[$0] }
            state.dirty.removeAll(keepingCapacity: true)
            return changed
        }
    }

    /// Marks records as changed again (the store did not take them).
    public func markChanged(_ keys: some Sequence<DeviceRecord.Key>) {
        state.withLock { state in state.dirty.formUnion(keys) }
    }

    /// Takes the records kept from before a restart.
    ///
    /// A device heard from since the core started keeps what arrived since (its newest numbers
    /// and rate) with the restored record's first sighting, counts and clock added. The rest are
    /// taken as they were, up to `maxDevices`. When the core did not stop cleanly (`cleanly`
    /// false) the records may be older than what the store holds: each device's next number
    /// re-anchors its count instead of counting the stored messages in between as missing.
    public func restore(_ records: [DeviceRecord], cleanly: Bool) {
        state.withLock { state in
            for var restored in records {
                if !cleanly { restored.seq.resume() }
                if var current = state.devices[restored.key] {
                    current.firstSeenMillis = min(restored.firstSeenMillis, current.firstSeenMillis)
                    current.readings += restored.readings
                    current.seq.addCounts(of: restored.seq)
                    if current.clock.offsetMillis == nil { current.clock = restored.clock }
                    current.sensorsNotListed += restored.sensorsNotListed
                    for sensor in restored.sensors where !current.sensors.contains(sensor) {
                        if current.sensors.count < DeviceRecord.maxSensors { current.sensors.insert(sensor) } else { current.sensorsNotListed += 1 }
                    }
                    state.devices[restored.key] = current
                    state.dirty.insert(restored.key)
                } else if state.devices.count < maxDevices {
                    state.devices[restored.key] = restored
                } else {
                    state.counts.devicesNotTracked += 1
                }
            }
        }
    }

    /// The devices of `site` (every site when nil) and `line`, by place; at most `limit`.
    public func devices(site: String? = nil, line: String? = nil, limit: Int = .max) -> [DeviceRecord] {
        let matching = state.withLock { state in
            state.devices.values.filter { record in
                (site == nil || record.key.site == site) && (line == nil || record.key.line == line)
            }
        }
        return Array(matching.sorted { $0.key < $1.key }.prefix(max(limit, 0)))
    }

    /// How many devices are known.
    public var count: Int { state.withLock { $0.devices.count } }

    public var counts: Counts { state.withLock { $0.counts } }
}
