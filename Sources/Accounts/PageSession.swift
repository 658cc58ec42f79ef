/// A person logged in to the page: who, with which role, and the token that proves a
/// state-changing request came from the page itself (CSRF).
public struct PageSession: Sendable, Equatable {
    public var user: String
    public var role: Role
    /// Sent back by the page in `X-CSRF-Token` (or a `csrf` form field) on every request that
    /// changes something; a cross-site form cannot know it.
    public var csrfToken: String
    /// The password hash the session was opened with: a new password (`user passwd`) ends it.
    public var credential: String
    public var openedAtMillis: Int64
    public var lastSeenAtMillis: Int64
    /// When it ends at the latest (its lifetime), epoch milliseconds.
    public var expiresAtMillis: Int64
}
