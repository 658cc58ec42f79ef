/// Whose page ``DashboardPage`` is.
public enum PageScope: Sendable, Equatable {
    /// The core's page: every site, with accounts, alarm actions and the alarm log.
    case core
    /// An edge's site page: its own site from its own data (latest values, recent history, its
    /// alerts and status), read-only.
    case site(site: String, edge: String)
}
