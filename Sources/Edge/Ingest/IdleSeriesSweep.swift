import Readings

/// Decides when the receive thread forgets series idle for `ingest.series_idle`.
///
/// Forgetting renumbers the series table, so the rule engine is rebuilt like on a rule reload
/// (windows restart; alerts are kept). That costs tens of milliseconds at 100,000 series on the
/// receive thread, so it is not done for every idle series the moment it turns idle: a check
/// runs every `idle / 24` (1 s … 1 h), and forgets when the idle series are at least 1 % of the
/// table, or a new series was refused for room since the last check, or the last forgetting is
/// `idle` ago. So a series is forgotten between `idle` and about `2 × idle` after its last reading,
/// and at once (within a check) when its room is needed.
///
/// Pure: the caller passes the time and the table.
struct IdleSeriesSweep {
    let idleMillis: Int64
    let checkEveryMillis: Int64
    private var nextCheckAtMillis: Int64?
    private var lastForgotAtMillis: Int64?

    init(idle: Duration) {
        idleMillis = max(1_000, idle.milliseconds)
        checkEveryMillis = min(3_600_000, max(1_000, idleMillis / 24))
    }

    /// The cutoff to forget with (series last seen before it), or nil when nothing should be done now.
    /// - Parameter refusedForRoom: a new series was refused (`series_limit`, `device_series_limit`)
    ///   since the last check.
    mutating func cutoff(nowMillis: Int64, table: SeriesTable, refusedForRoom: Bool) -> Int64? {
        guard let next = nextCheckAtMillis else {
            nextCheckAtMillis = nowMillis + checkEveryMillis
            lastForgotAtMillis = nowMillis
            return nil
        }
        guard nowMillis >= next else { return nil }
        nextCheckAtMillis = nowMillis + checkEveryMillis
        let cutoff = nowMillis - idleMillis
        let idle = table.idleCount(beforeMillis: cutoff)
        guard idle > 0 else { return nil }
        let overdue = nowMillis - (lastForgotAtMillis ?? nowMillis) >= idleMillis
        guard idle * 100 >= table.count || refusedForRoom || overdue else { return nil }
        lastForgotAtMillis = nowMillis
        return cutoff
    }
}
