/// The alert lane's decisions, without I/O: when it may post, how many notifications the next
/// post carries and to which core URL, and what each outcome means for the notifications in it.
/// ``AlertForwarder`` is its I/O shell: it reads `alerts.db`, posts, and carries out the
/// verdicts. Times are milliseconds on the caller's monotonic clock; randomness is injected.
///
/// - A 2xx: the notifications are the core's; mark them forwarded.
/// - A malformed-post refusal (400, 413): find the notification the core refuses and set it
///   aside, so it never holds every later alert (``AlertRefusalIsolation``).
/// - Other refusals the notifications cannot fix (a URL the core does not serve, 409): keep them
///   and pause the lane for the longest backoff.
/// - No answer, 5xx, not the core, throttled, token refused: keep them, fail over and back off
///   (``CoreFailover``).
struct AlertLane: Sendable {
    struct Settings: Sendable {
        /// Notifications per post.
        var maxPerPost: Int
        /// How long the lane pauses after a refusal the notifications cannot fix.
        var parkMillis: Int64
    }

    /// What an ended post means for the notifications it carried.
    enum Verdict: Sendable, Equatable {
        /// The core has them: mark them forwarded. `recovered`: the first success after failures.
        case forwarded(recovered: Bool)
        /// The core refused several as malformed: nothing is marked; the next posts carry one
        /// notification each until as many as were refused have gone.
        case sendSingly
        /// The core refuses this one notification: mark it (set aside, counted, logged), go on.
        case setAside
        /// Kept; the lane pauses until `untilMillis`.
        case parked(untilMillis: Int64)
        /// Kept; sent again after the failover's backoff. `movedURL`: the lane moved to another core URL.
        case retry(movedURL: Bool)
    }

    let settings: Settings
    private(set) var failover: CoreFailover
    private var isolation = AlertRefusalIsolation()
    private var parkedUntil: Int64 = .min
    /// Stop-command records wait until then: the core took a post without filing them (it is
    /// older than the edge and skips `commands`), so they stay in `alerts.db` for a core that does.
    private var commandsParkedUntil: Int64 = .min
    /// Whether the last post failed (for the "acknowledged again" log line).
    private(set) var failing = false

    init(settings: Settings, failover: CoreFailover) {
        self.settings = settings
        self.failover = failover
    }

    /// When the lane may post next; nil when it may now.
    func pausedUntil(nowMillis: Int64) -> Int64? {
        let until = max(failover.pausedUntil, parkedUntil)
        return nowMillis < until ? until : nil
    }

    /// Notifications the next post carries at most.
    var postSize: Int { isolation.limit(normal: settings.maxPerPost) }

    /// Whether the lane is finding a refused item by sending the refused post's items one at a
    /// time (then the next posts carry only those, not items recorded since).
    var sendingSingly: Bool { isolation.singlesLeft > 0 }

    /// Whether the next post may carry stop-command records.
    func carriesCommands(nowMillis: Int64) -> Bool { nowMillis >= commandsParkedUntil }

    /// The core acknowledged a post with stop-command records but did not say it filed them (an
    /// older core): they are kept, and not sent again for the longest backoff.
    mutating func commandsNotFiled(nowMillis: Int64) {
        commandsParkedUntil = nowMillis + settings.parkMillis
    }

    /// The ticket for a post starting now (which core URL).
    var ticket: CoreFailover.Ticket { failover.ticket }

    /// A post of `count` notifications, sent with `ticket`, came to `outcome`.
    mutating func completed(
        _ outcome: ForwardOutcome, ticket: CoreFailover.Ticket, count: Int, nowMillis: Int64,
        using random: inout some RandomNumberGenerator
    ) -> Verdict {
        switch outcome {
        case .acknowledged:
            failover.succeeded(ticket)
            isolation.acknowledged(count: count)
            defer { failing = false }
            return .forwarded(recovered: failing)
        case .rejected(let status):
            switch isolation.refused(count: count, status: status) {
            case .sendSingly: return .sendSingly
            case .setAside: return .setAside
            case .retryLater: return park(nowMillis: nowMillis)
            }
        case .unknownSeries:
            return park(nowMillis: nowMillis)
        case .unreachable, .serverError, .foreignAnswer, .throttled, .unauthorized:
            failing = true
            return .retry(movedURL: failover.failed(ticket, outcome, nowMillis: nowMillis, using: &random))
        }
    }

    private mutating func park(nowMillis: Int64) -> Verdict {
        failing = true
        parkedUntil = nowMillis + settings.parkMillis
        return .parked(untilMillis: parkedUntil)
    }
}
