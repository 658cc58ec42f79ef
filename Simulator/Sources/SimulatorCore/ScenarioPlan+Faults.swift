extension ScenarioPlan {
    /// The fault for tick `seq` of `device`, if any: one uniform draw from the seed, split by
    /// the scenario's fractions (malformed, then duplicates, out-of-order, skew).
    public func fault(device: Int, seq: Int64) -> Fault? {
        let faults = scenario.faults
        let total = faults.malformed + faults.duplicates + faults.outOfOrder + faults.skew
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
        let millis = Int64((faults.skewBy * 1_000).rounded())
        return .skew(millis: rng.next() & 1 == 0 ? millis : -millis)
    }
}
