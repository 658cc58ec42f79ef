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

    /// An edge's series dictionary as far as the registry knows it, with each key's device slot
    /// once resolved (`-1`: a device not kept), so a stored batch costs one lookup per reading.
    private struct KeyBook {
        var dictionary: Int64
        var series: [UInt32: Series] = [:]
        var slots: [UInt32: Int32] = [:]
        /// Whether the store's keys for this dictionary were added (after a restart).
        var loaded = false
    }

    private struct State {
        /// Every device's record, by slot; `slotOf` finds a device's slot.
        var records: [DeviceRecord] = []
        var slotOf: [DeviceRecord.Key: Int] = [:]
        /// Slots changed since they were last kept in the store.
        var dirty: Set<Int> = []
        var books: [String: KeyBook] = [:]
        var counts = Counts()
        /// Scratch for one batch, by slot: its readings of the device and their largest clock
        /// offset (reset after each batch; grown with the records).
        var batchReadings: [Int] = []
        var batchOffsets: [Int64] = []

        /// The slot of `key`, made when there is room; nil when the registry is full.
        mutating func slot(for key: DeviceRecord.Key, edge: String, seenAtMillis: Int64, maxDevices: Int) -> Int? {
            if let slot = slotOf[key] { return slot }
            guard records.count < maxDevices else {
                counts.devicesNotTracked += 1
                return nil
            }
            records.append(DeviceRecord(key: key, edge: edge, seenAtMillis: seenAtMillis))
            slotOf[key] = records.count - 1
            return records.count - 1
        }
    }

    public let maxDevices: Int
    /// A device clock off by more than this (beyond what the edge's windows leave open) is flagged.
    public let clockThresholdMillis: Int64
    private let state = Mutex(State())

    public init(maxDevices: Int = 100_000, clockThresholdMillis: Int64 = 2_000) {
        self.maxDevices = max(maxDevices, 1)
        self.clockThresholdMillis = clockThresholdMillis
    }

    /// True for the first dictionary batch of an edge's dictionary since the core started: its
    /// keys may have been defined before the restart, so ask the store once
    /// (``learn(edge:dictionary:series:)``).
    public func needsKeys(_ batch: Batch) -> Bool {
        guard let dictionary = batch.dictionary else { return false }
        return state.withLock { state in
            guard let book = state.books[batch.edge], book.dictionary == dictionary else { return true }
            return !book.loaded
        }
    }

    /// Adds what the store knows of an edge's dictionary.
    public func learn(edge: String, dictionary: Int64, series: [UInt32: Series]) {
        state.withLock { state in
            if state.books[edge]?.dictionary != dictionary { state.books[edge] = KeyBook(dictionary: dictionary) }
            // Changed in place: a copy of an edge's whole dictionary under the lock would cost
            // as much as the dictionary is large.
            state.books[edge]!.series.merge(series) { current, _ in current }
            // Keys no one could name before may be named now.
            for key in series.keys where state.books[edge]!.slots[key] == Int32(Self.unnamed) { state.books[edge]!.slots[key] = nil }
            state.books[edge]!.loaded = true
        }
    }

    /// Takes a batch the store has just stored (not a duplicate).
    ///
    /// Per reading: one lookup of its key in the edge's book (a key is resolved to its device's
    /// slot once, when first seen) and a few additions into scratch arrays indexed by slot; per
    /// device of the batch, one update of its record.
    /// - Parameter receivedAtMillis: when the core took it: the time seen for edges that do not
    ///   send their `received` window.
    public func record(_ batch: Batch, receivedAtMillis: Int64) {
        let seenAt = Self.seenAt(batch.received, receivedAtMillis: receivedAtMillis)
        let middle = batch.received.map(ClockSkewEstimate.middle(of:))
        let maxDevices = maxDevices
        state.withLock { state in
            // The edge's book, taken out while it is used (no copy, one hash of the edge's name).
            var book: KeyBook
            if let dictionary = batch.dictionary {
                book = state.books.removeValue(forKey: batch.edge) ?? KeyBook(dictionary: dictionary)
                if book.dictionary != dictionary { book = KeyBook(dictionary: dictionary) }
                for (key, series) in zip(batch.seriesKeys, batch.series) where book.series[key] != series {
                    book.series[key] = series
                    book.slots[key] = nil
                }
            } else {
                // An inline batch names its series itself: a book for this batch only.
                book = KeyBook(dictionary: 0)
                for (index, series) in batch.series.enumerated() { book.series[UInt32(index)] = series }
            }
            defer { if batch.dictionary != nil { state.books[batch.edge] = book } }
            var touched: [Int] = []
            for index in 0..<batch.count {
                let sid = batch.sid[index]
                var slot: Int
                if let cached = book.slots[sid] {
                    slot = Int(cached)
                } else {
                    // First sight of this key: its device's slot (-1: not kept; -2: unnamed).
                    slot = Self.unnamed
                    if let named = book.series[sid] {
                        let key = DeviceRecord.Key(site: named.site, line: named.line, device: named.device)
                        slot = state.slot(for: key, edge: batch.edge, seenAtMillis: seenAt, maxDevices: maxDevices) ?? Self.notKept
                        if slot >= 0 { state.records[slot].list(DeviceRecord.Sensor(name: named.sensor, unit: named.unit)) }
                    }
                    book.slots[sid] = Int32(slot)
                }
                guard slot >= 0 else {
                    if slot == Self.unnamed { state.counts.unresolvedReadings += 1 }
                    continue
                }
                if slot >= state.batchReadings.count {
                    state.batchReadings.append(contentsOf: repeatElement(0, count: state.records.count - state.batchReadings.count))
                    state.batchOffsets.append(contentsOf: repeatElement(.min, count: state.records.count - state.batchOffsets.count))
                }
                if state.batchReadings[slot] == 0 { touched.append(slot) }
                state.batchReadings[slot] += 1
                state.records[slot].seq.observe(batch.deviceSeq[index], ts: batch.ts[index])
                if let middle {
                    state.batchOffsets[slot] = max(state.batchOffsets[slot], ClockSkewEstimate.offset(ts: batch.ts[index], middle: middle))
                }
            }
            for slot in touched {
                state.records[slot].noteBatch(
                    edge: batch.edge, seenAtMillis: seenAt, readings: state.batchReadings[slot],
                    batchOffsetMillis: middle == nil ? nil : state.batchOffsets[slot], window: batch.received)
                state.batchReadings[slot] = 0
                state.batchOffsets[slot] = .min
                state.dirty.insert(slot)
            }
        }
    }

    /// Book slots of keys whose device is not kept (the registry was full), and of keys no one named.
    private static let notKept = -1
    private static let unnamed = -2

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
            for record in state.records {
                if record.isSilent(nowMillis: nowMillis) { silent += 1 }
                if record.clock.isOff(thresholdMillis: clockThresholdMillis) { clockOff += 1 }
                if record.seq.missing > 0 { missing += 1 }
                messagesMissing += record.seq.missing
            }
            return (state.records.count, silent, clockOff, missing, messagesMissing, state.counts)
        }
    }

    /// The records changed since the last call, to keep in the store (``DeviceRegistryKeeper``).
    public func takeChanged() -> [DeviceRecord] {
        state.withLock { state in
            let changed = state.dirty.map { state.records[$0] }
            state.dirty.removeAll(keepingCapacity: true)
            return changed
        }
    }

    /// Marks records as changed again (the store did not take them).
    public func markChanged(_ keys: some Sequence<DeviceRecord.Key>) {
        state.withLock { state in
            for key in keys { if let slot = state.slotOf[key] { state.dirty.insert(slot) } }
        }
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
                if let slot = state.slotOf[restored.key] {
                    var current = state.records[slot]
                    current.firstSeenMillis = min(restored.firstSeenMillis, current.firstSeenMillis)
                    current.readings += restored.readings
                    current.seq.addCounts(of: restored.seq)
                    if current.clock.offsetMillis == nil { current.clock = restored.clock }
                    current.sensorsNotListed += restored.sensorsNotListed
                    for sensor in restored.sensors where !current.sensors.contains(sensor) {
                        if current.sensors.count < DeviceRecord.maxSensors { current.sensors.insert(sensor) } else { current.sensorsNotListed += 1 }
                    }
                    state.records[slot] = current
                    state.dirty.insert(slot)
                } else if state.records.count < maxDevices {
                    state.records.append(restored)
                    state.slotOf[restored.key] = state.records.count - 1
                } else {
                    state.counts.devicesNotTracked += 1
                }
            }
        }
    }

    /// The devices of `site` (every site when nil) and `line`, by place; at most `limit`.
    public func devices(site: String? = nil, line: String? = nil, limit: Int = .max) -> [DeviceRecord] {
        let matching = state.withLock { state in
            state.records.filter { record in
                (site == nil || record.key.site == site) && (line == nil || record.key.line == line)
            }
        }
        return Array(matching.sorted { $0.key < $1.key }.prefix(max(limit, 0)))
    }

    /// How many devices are known.
    public var count: Int { state.withLock { $0.records.count } }

    public var counts: Counts { state.withLock { $0.counts } }
}
