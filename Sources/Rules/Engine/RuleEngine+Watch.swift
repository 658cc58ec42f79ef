public import Readings

extension RuleEngine {
    /// Every series an `absent` rule watches that has had a reading, with when it was last seen:
    /// what a standby needs to keep watching them after it takes over (``watch(series:lastSeenMillis:)``).
    public func absentWatched() -> [(id: SeriesID, lastSeenMillis: Int64)] {
        var result: [(id: SeriesID, lastSeenMillis: Int64)] = []
        for index in 0..<seriesRecords.count {
            let record = seriesRecords[index]
            guard record.registered, record.lastSeen != .min else { continue }
            for offset in 0..<Int(record.bindingCount) {
                let binding = bindings[Int(record.bindingStart) + offset]
                if ruleRecords[Int(binding.rule)].absentCount > 0 {
                    result.append((SeriesID(index), record.lastSeen))
                    break
                }
            }
        }
        return result
    }

    /// Takes over the watch of a registered series another engine last saw at `lastSeenMillis`
    /// (a takeover): its `absent` rules are armed as if that reading had come here, so a device
    /// that fell silent before the takeover is still flagged when its silence is long enough.
    /// Ignored when this engine has seen a later reading of the series.
    public func watch(series id: SeriesID, lastSeenMillis: Int64) {
        let index = Int(id)
        guard index < seriesRecords.count, seriesRecords[index].registered else { return }
        let record = seriesRecords.base + index
        guard record.pointee.lastSeen == .min || record.pointee.lastSeen < lastSeenMillis else { return }
        record.pointee.lastSeen = lastSeenMillis
        if record.pointee.firstSeen == .min { record.pointee.firstSeen = lastSeenMillis }
        for offset in 0..<Int(record.pointee.bindingCount) {
            let binding = bindings[Int(record.pointee.bindingStart) + offset]
            let rule = ruleRecords[Int(binding.rule)]
            guard rule.absentCount > 0, !alerts[Int(binding.alert)].absentArmed else { continue }
            armAbsent(binding.alert, at: lastSeenMillis &+ absentMillis[Int(rule.absentStart)])
        }
    }
}
