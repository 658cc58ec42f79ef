#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SeriesTable {
    /// What ``intern(site:line:device:sensor:unit:)`` did.
    enum InternResult: Equatable {
        case existing(SeriesID)
        case inserted(SeriesID)
        case full
        /// New, but its device already has ``SeriesLimits/maxSeriesPerDevice`` series.
        case deviceFull
        /// New, but new series are arriving faster than ``SeriesLimits/maxNewSeriesPerSecond``.
        case rateLimited
        /// New, but a name breaks ``SeriesName``'s rules: not inserted.
        case badName

        var id: SeriesID? {
            switch self {
            case .existing(let id), .inserted(let id): id
            case .full, .deviceFull, .rateLimited, .badName: nil
            }
        }
    }

    /// Looks a series up by the bytes of its fields, inserting it when new and the limits allow,
    /// and notes that it was seen at `nowMillis`.
    /// The fields must be valid UTF-8 (the topic matcher and JSON scanner check that).
    mutating func intern(
        site: UnsafeRawBufferPointer, line: UnsafeRawBufferPointer, device: UnsafeRawBufferPointer,
        sensor: UnsafeRawBufferPointer, unit: UnsafeRawBufferPointer, nowMillis: Int64
    ) -> InternResult {
        key.removeAll(keepingCapacity: true)
        appendKeyField(site)
        appendKeyField(line)
        appendKeyField(device)
        let deviceKeyLength = key.count
        appendKeyField(sensor)
        appendKeyField(unit)
        let hash = Self.fnv1a(key)
        let mask = slots.count - 1
        var slot = Self.home(hash) & mask
        while slots[slot] != 0 {
            let id = slots[slot] - 1
            if matches(entries[Int(id)], hash: hash) {
                lastSeenSeconds[Int(id)] = Self.seconds(nowMillis)
                return .existing(id)
            }
            slot = (slot + 1) & mask
        }
        guard count < maxSeries else { return .full }
        // Checked only here, once per new series: known series never pay for any of it.
        guard SeriesName.isValid(site), SeriesName.isValid(line), SeriesName.isValid(device),
            SeriesName.isValid(sensor, topicLevel: true), SeriesName.isValid(unit)
        else { return .badName }
        let deviceKey = Array(key[..<deviceKeyLength])
        let deviceRow = deviceRows[deviceKey]
        let deviceSeries = deviceRow.map { Int(seriesPerDevice[Int($0)]) } ?? 0
        guard deviceSeries < limits.maxSeriesPerDevice else { return .deviceFull }
        // A device invented a moment ago (by a device putting a counter in its topic) shares one
        // budget with every other young device; an established device has its own.
        var budget: DeviceBudget?
        if let row = deviceRow.map(Int.init), deviceSeries > 0, nowMillis - deviceFirstSeen[row] >= limits.warmupMillis {
            budget = deviceBudgets[row] ?? .established(nowMillis: nowMillis)
        }
        let admitted = rateCap.admit(device: &budget, nowMillis: nowMillis)
        if let row = deviceRow.map(Int.init), budget != nil { deviceBudgets[row] = budget }
        guard admitted else { return .rateLimited }

        let id = SeriesID(count)
        entries.append(Entry(offset: arena.count, length: key.count, hash: hash))
        arena.append(contentsOf: key)
        allSeries.append(Series(
            site: String(decoding: site, as: UTF8.self), line: String(decoding: line, as: UTF8.self),
            device: String(decoding: device, as: UTF8.self), sensor: String(decoding: sensor, as: UTF8.self),
            unit: String(decoding: unit, as: UTF8.self)))
        lastSeenSeconds.append(Self.seconds(nowMillis))
        let row = deviceRow ?? {
            let row = Int32(seriesPerDevice.count)
            seriesPerDevice.append(0)
            deviceFirstSeen.append(nowMillis)
            deviceBudgets.append(nil)
            deviceRows[deviceKey] = row
            return row
        }()
        seriesPerDevice[Int(row)] += 1
        deviceOfSeries.append(row)
        slots[slot] = id + 1
        if count * 2 > slots.count { rehash(capacity: slots.count * 2) }
        return .inserted(id)
    }

    /// Forgets the series with ids `count...`, newest first, so that a rejected message leaves
    /// no series behind that the consumer was never told about.
    ///
    /// Clearing a slot is safe under linear probing only for the most recently inserted key
    /// (no later key can have probed past its slot). Removing newest first keeps that true,
    /// and ``rehash(capacity:)`` reinserts in id order so it stays true after growth.
    mutating func removeSeries(from newCount: Int) {
        precondition(newCount >= 0 && newCount <= count)
        let mask = slots.count - 1
        while count > newCount {
            let id = SeriesID(count - 1)
            var slot = Self.home(entries[Int(id)].hash) & mask
            while slots[slot] != id + 1 { slot = (slot + 1) & mask }
            slots[slot] = 0
            arena.removeSubrange(entries[Int(id)].offset...)
            entries.removeLast()
            allSeries.removeLast()
            lastSeenSeconds.removeLast()
            // The device row stays (possibly at 0 series) until the next renumbering.
            seriesPerDevice[Int(deviceOfSeries.removeLast())] -= 1
        }
    }

    /// Epoch seconds for `lastSeenSeconds`, clamped into `UInt32` (good until 2106).
    @inline(__always)
    static func seconds(_ millis: Int64) -> UInt32 {
        UInt32(clamping: millis / 1_000)
    }

    /// Appends a field as its LEB128 length followed by its bytes.
    private mutating func appendKeyField(_ field: UnsafeRawBufferPointer) {
        var length = field.count
        while length >= 0x80 {
            key.append(UInt8(truncatingIfNeeded: length) | 0x80)
            length >>= 7
        }
        key.append(UInt8(length))
        key.append(contentsOf: field)
    }

    /// The first slot to probe: the high half folded in, as FNV's low bits alone mix weakly.
    @inline(__always)
    static func home(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: hash ^ hash >> 32)
    }

    private func matches(_ entry: Entry, hash: UInt64) -> Bool {
        guard entry.hash == hash && entry.length == key.count else { return false }
        return arena.withUnsafeBytes { arena in
            key.withUnsafeBytes { key in
                memcmp(arena.baseAddress! + entry.offset, key.baseAddress!, key.count) == 0
            }
        }
    }

    mutating func rehash(capacity: Int) {
        slots = Array(repeating: 0, count: capacity)
        let mask = capacity - 1
        for (index, entry) in entries.enumerated() {
            var slot = Self.home(entry.hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = UInt32(index) + 1
        }
    }

    /// 64-bit FNV-1a: simple, no tables, and good enough spread for short keys.
    static func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
