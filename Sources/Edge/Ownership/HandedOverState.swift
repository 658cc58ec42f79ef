import Ownership

/// What an edge takes over with the site's session, before the session's first message: the
/// previous active's firing alerts and the series its `absent` rules watched.
struct HandedOverState: Sendable {
    var alerts: [HandedOverAlert]
    /// The previous active's watch; nil when none was seen.
    var watch: HandedOverWatch?
}
