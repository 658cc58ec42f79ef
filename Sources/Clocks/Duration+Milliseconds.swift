extension Duration {
    /// Whole milliseconds, rounded toward zero; saturating at `Int64`'s ends, so a duration from
    /// outside (a header, a config value) can never trap the process.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflowed) = whole.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        if overflowed { return whole < 0 ? .min : .max }
        return sum
    }
}
