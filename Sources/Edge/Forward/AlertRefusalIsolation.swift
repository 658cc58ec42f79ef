/// What the alert lane does when the core refuses a post as malformed (400, or 413 too large):
/// finds the notification it refuses and sets that one aside, so one bad notification never
/// holds every later alert behind it. Pure: no I/O.
///
/// A refused post of several notifications is sent again one notification at a time; each
/// acknowledged one is marked forwarded as usual, a refused single one is set aside (counted,
/// logged with the core's reason, left in `alerts.db`'s log), and after as many as were in the
/// refused post the lane sends full posts again. Other refusals (401/403: the token; 404 and the
/// like: the URL) are the edge's configuration, not a notification's fault: they keep blocking and
/// retrying, as before.
struct AlertRefusalIsolation: Equatable {
    /// What to do with the rows of a refused post.
    enum Decision: Equatable {
        /// Several rows: send them again one at a time.
        case sendSingly
        /// This one row is what the core refuses: set it aside.
        case setAside
        /// Not a refusal of the notification itself: keep it, pause, retry (the old behaviour).
        case retryLater
    }

    /// Rows still to be sent one at a time.
    private(set) var singlesLeft = 0

    /// How many rows the next post carries.
    func limit(normal: Int) -> Int { singlesLeft > 0 ? 1 : normal }

    /// Statuses that say the notification itself is wrong.
    static func refusesTheItem(status: Int) -> Bool { status == 400 || status == 413 }

    /// A post of `count` rows was refused with `status`.
    mutating func refused(count: Int, status: Int) -> Decision {
        guard Self.refusesTheItem(status: status) else { return .retryLater }
        if count > 1 {
            singlesLeft = count
            return .sendSingly
        }
        singlesLeft = max(0, singlesLeft - 1)
        return .setAside
    }

    /// A post of `count` rows was acknowledged.
    mutating func acknowledged(count: Int) {
        singlesLeft = max(0, singlesLeft - count)
    }
}
