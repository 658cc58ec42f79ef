extension SeriesTable {
    /// The number of series last seen before `cutoffMillis`; a scan, cheap enough for a sweep
    /// once a minute (100 000 series in well under a millisecond).
    public func idleCount(beforeMillis cutoffMillis: Int64) -> Int {
        let cutoff = Self.seconds(cutoffMillis)
        var idle = 0
        for seen in lastSeenSeconds where seen < cutoff { idle += 1 }
        return idle
    }

    /// Forgets every series last seen before `cutoffMillis` and renumbers the rest densely, in
    /// their old order.
    ///
    /// - Returns: the renumbering, indexed by old id: the new id, or ``SeriesRenumbering/forgotten``;
    ///   nil when no series was idle (nothing changed).
    public mutating func forget(idleBeforeMillis cutoffMillis: Int64) -> SeriesRenumbering? {
        let cutoff = Self.seconds(cutoffMillis)
        guard lastSeenSeconds.contains(where: { $0 < cutoff }) else { return nil }
        var newID = [SeriesID](repeating: SeriesRenumbering.forgotten, count: count)
        var keptArena: [UInt8] = []
        var keptEntries: [Entry] = []
        var keptSeries: [Series] = []
        var keptSeen: [UInt32] = []
        var keptDevice: [Int32] = []
        for id in 0..<count where lastSeenSeconds[id] >= cutoff {
            newID[id] = SeriesID(keptEntries.count)
            let entry = entries[id]
            keptEntries.append(Entry(offset: keptArena.count, length: entry.length, hash: entry.hash))
            keptArena.append(contentsOf: arena[entry.offset..<(entry.offset + entry.length)])
            keptSeries.append(allSeries[id])
            keptSeen.append(lastSeenSeconds[id])
            keptDevice.append(deviceOfSeries[id])
        }
        arena = keptArena
        entries = keptEntries
        allSeries = keptSeries
        lastSeenSeconds = keptSeen
        renumberDevices(keptDevice)
        var capacity = 64
        while count * 2 > capacity { capacity *= 2 }
        rehash(capacity: capacity)
        return SeriesRenumbering(newIDs: newID)
    }

    /// Rebuilds the device rows from the kept series: devices left without series are dropped.
    private mutating func renumberDevices(_ oldRows: [Int32]) {
        var rowForOld = [Int32](repeating: -1, count: seriesPerDevice.count)
        var counts: [Int32] = []
        var firstSeen: [Int64] = []
        var budgets: [DeviceBudget?] = []
        deviceOfSeries = oldRows.map { old in
            if rowForOld[Int(old)] < 0 {
                rowForOld[Int(old)] = Int32(counts.count)
                counts.append(0)
                firstSeen.append(deviceFirstSeen[Int(old)])
                budgets.append(deviceBudgets[Int(old)])
            }
            let row = rowForOld[Int(old)]
            counts[Int(row)] += 1
            return row
        }
        deviceRows = deviceRows.reduce(into: [:]) { rows, pair in
            let row = rowForOld[Int(pair.value)]
            if row >= 0 { rows[pair.key] = row }
        }
        seriesPerDevice = counts
        deviceFirstSeen = firstSeen
        deviceBudgets = budgets
    }
}

/// How ``SeriesTable/forget(idleBeforeMillis:)`` renumbered the series: the consumer of
/// ``ReadingColumns`` applies it to whatever it keeps per series id before reading further ids.
public struct SeriesRenumbering: Sendable, Equatable {
    /// The marker for a forgotten id.
    public static let forgotten = SeriesID.max
    /// New id per old id, or ``forgotten``.
    public var newIDs: [SeriesID]

    public init(newIDs: [SeriesID]) {
        self.newIDs = newIDs
    }

    /// How many series were forgotten.
    public var forgottenCount: Int { newIDs.lazy.filter { $0 == Self.forgotten }.count }

    /// Applies the renumbering to an array indexed by series id: the result is indexed by the
    /// new ids; a kept id the array did not reach gets `missing`.
    public func apply<Element>(to values: [Element], missing: Element) -> [Element] {
        var result: [Element] = []
        result.reserveCapacity(newIDs.count - forgottenCount)
        for (old, new) in newIDs.enumerated() where new != Self.forgotten {
            result.append(old < values.count ? values[old] : missing)
        }
        return result
    }
}
