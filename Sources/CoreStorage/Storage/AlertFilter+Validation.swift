extension AlertFilter {
    /// The status values the filter understands.
    static let statuses: Set<String> = ["firing", "resolved"]

    /// Refuses a status the stores cannot filter by and a negative limit.
    func validated() throws(ReadingStoreError) -> AlertFilter {
        if let status, !Self.statuses.contains(status) {
            throw ReadingStoreError(.invalidQuery, "alert status must be firing or resolved, not \(status.prefix(32))")
        }
        guard limit >= 0 else { throw ReadingStoreError(.invalidQuery, "alert limit \(limit) is negative") }
        return self
    }
}
