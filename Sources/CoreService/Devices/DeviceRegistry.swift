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
            var book = state.books[edge].flatMap { $0.dictionary == dictionary ? $0 : nil } ?? KeyBook(dictionary: dictionary, series: [:])
            book.series.merge(series) { current, _ in current }
            state.books[edge] = book
        }
    }

    /// Takes a batch the store has just stored (not a duplicate).
    /// - Parameter receivedAtMillis: when the core took it: the time seen for edges that do not
    ///   send their `received` window.
    public func record(_ batch: Batch, receivedAtMillis: Int64) {
        let seenAt = batch.received?.upperBound ?? receivedAtMillis
        state.withLock { state in
            // Series of the batch's keys: inline, defined in it, or known from before.
            var book = KeyBook(dictionary: 0, series: [:])
            if let dictionary = batch.dictionary {
                book = state.books[batch.edge].flatMap { $0.dictionary == dictionary ? $0 : nil } ?? KeyBook(dictionary: dictionary, series: [:])
                for (key, series) in zip(batch.seriesKeys, batch.series) { book.series[key] = series }
                state.books[batch.edge] = book
            }
            func series(of sid: UInt32) -> Series? {
                batch.dictionary == nil ? (Int(sid) < batch.series.count ? batch.series[Int(sid)] : nil) : book.series[sid]
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

    /// Takes the records kept from before a restart. A device heard from since the core started
    /// keeps the restored record (its first sighting, gaps and clock) with what arrived since
    /// added to its counts; the rest are taken as they were, up to `maxDevices`.
    public func restore(_ records: [DeviceRecord]) {
        state.withLock { state in
            for var restored in records {
                if let current = state.devices[restored.key] {
                    restored.lastSeenMillis = max(restored.lastSeenMillis, current.lastSeenMillis)
                    restored.firstSeenMillis = min(restored.firstSeenMillis, current.firstSeenMillis)
                    restored.readings += current.readings
                    restored.edge = current.edge
                    for sensor in current.sensors where restored.sensors.count < DeviceRecord.maxSensors { restored.sensors.insert(sensor) }
                    state.devices[restored.key] = restored
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
