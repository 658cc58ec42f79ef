extension ScenarioPlan {
    /// The fault for tick `seq` of `device`, if any: one uniform draw from the seed, split by
    /// the scenario's fractions (malformed, then duplicates, out-of-order, drops, skew).
    public func fault(device: Int, seq: Int64) -> Fault? {
        let faults = scenario.faults
        let total = faults.malformed + faults.duplicates + faults.outOfOrder + faults.drops + faults.skew
        guard total > 0 else { return nil }
        var rng = SplitMix64(seed, UInt64(device), UInt64(bitPattern: seq), 0, Purpose.fault.rawValue)
        var u = rng.unit()
        guard u < total else { return nil }
        if u < faults.malformed {
            return .malformed(faults.malformedKinds[rng.below(faults.malformedKinds.count)])
        }
        u -= faults.malformed
        if u < faults.duplicates { return .duplicate }
        u -= faults.duplicates
        if u < faults.outOfOrder { return .outOfOrder }
        u -= faults.outOfOrder
        if u < faults.drops { return .drop }
        let millis = Int64((faults.skewBy * 1_000).rounded())
        return .skew(millis: rng.next() & 1 == 0 ? millis : -millis)
    }

    /// How far `device`'s clock is off for the whole run (milliseconds, ±): `clock_off.by` for a
    /// `clock_off.fraction` of the devices drawn from the seed, 0 for the rest and for devices
    /// whose payloads carry no time.
    public func clockOffsetMillis(device: Int) -> Int64 {
        let faults = scenario.faults
        guard faults.clockOff > 0, devices[device].payload != .number else { return 0 }
        var rng = SplitMix64(seed, UInt64(device), 0, 0, Purpose.clockOff.rawValue)
        guard rng.unit() < faults.clockOff else { return 0 }
        let millis = Int64((faults.clockOffBy * 1_000).rounded())
        return rng.next() & 1 == 0 ? millis : -millis
    }
}
