import Spool

/// The batch lane's state machine, without I/O: which sealed batches are known, which are in
/// flight, which wait for a retry, which the core refused; when the lane may send and to which
/// core URL. The forwarder's I/O shell feeds it listings and outcomes and carries out what it
/// returns. Times are milliseconds on the caller's monotonic clock.
struct BatchWindow: Sendable {
    struct Settings: Sendable {
        /// Batches in flight at once.
        var inFlight: Int
        /// How long a batch the core refused (a 4xx other than 401/403/408/429) waits before it
        /// is tried again.
        var parkMillis: Int64
        /// At most this many refused batches are held; past it the lane lists nothing new
        /// (a core that refuses everything should not make the edge walk the whole spool).
        var maxParked: Int = 256
    }

    enum State: Sendable, Equatable {
        case waiting
        case inFlight(CoreFailover.Ticket)
        case parked(untilMillis: Int64)
    }

    struct Entry: Sendable, Equatable {
        var batch: SealedBatch
        var state: State
        /// Attempts started, including one in flight.
        var attempts: Int
        /// The core did not know some of its series keys: send it with every key defined.
        var defineAll = false
    }

    /// A request to start.
    struct Send: Sendable, Equatable {
        var batch: SealedBatch
        var ticket: CoreFailover.Ticket
        var attempt: Int
        /// Define every series key the batch uses, not only those the core may not know.
        var defineAll: Bool
    }

    /// What to do after an attempt ended.
    enum Completion: Sendable, Equatable {
        /// The core has it: delete it from the spool.
        case delete(SealedBatch, attempts: Int)
        /// Failed; it will be sent again (after the lane's backoff). `movedURL`: failover happened.
        case retry(movedURL: Bool)
        /// The core lacks some series keys: the batch goes again at once, every key defined (the
        /// shell also forgets which keys it believed the core knows).
        case resendDefined
        /// Refused by the core; kept, and tried again after `untilMillis`.
        case parked(untilMillis: Int64, attempts: Int)
        /// Not in the window (already completed).
        case unknown
    }

    let settings: Settings
    private(set) var failover: CoreFailover
    private(set) var rate: RateCap
    /// Known batches, by seq ascending.
    private(set) var entries: [Entry] = []
    /// The highest seq ever listed: the next listing starts after it.
    private(set) var listedThrough: Int64 = 0
    /// Stopping: nothing new starts, what is in flight may finish.
    private(set) var draining = false

    init(settings: Settings, failover: CoreFailover, rate: RateCap) {
        precondition(settings.inFlight > 0, "in_flight must be positive")
        self.settings = settings
        self.failover = failover
        self.rate = rate
    }

    var inFlightCount: Int { entries.count(where: { if case .inFlight = $0.state { true } else { false } }) }
    var parkedCount: Int { entries.count(where: { if case .parked = $0.state { true } else { false } }) }

    /// How many more batches the shell should list from the spool (0: enough known).
    var wanted: Int {
        guard !draining, parkedCount < settings.maxParked else { return 0 }
        return max(0, settings.inFlight * 2 - (entries.count - parkedCount))
    }

    /// Adds batches from a listing (oldest first); ones already known are ignored.
    mutating func add(_ batches: [SealedBatch]) {
        for batch in batches where batch.seq > listedThrough {
            entries.append(Entry(batch: batch, state: .waiting, attempts: 0))
            listedThrough = batch.seq
        }
    }

    /// Forgets a batch that is no longer in the spool (the byte limit dropped it).
    mutating func forget(seq: Int64) {
        entries.removeAll { $0.batch.seq == seq }
    }

    mutating func drain() { draining = true }

    /// At most this many requests in flight: `inFlight`, or one while the core is failing (a
    /// probe), so an outage does not keep several large uploads queued on a dead link, and they
    /// do not all go at once when it comes back.
    var inFlightLimit: Int { failover.failures > 0 ? 1 : settings.inFlight }

    /// The requests to start now, oldest batch first, within the in-flight limit, the lane's
    /// pause and the rate cap.
    mutating func nextSends(nowMillis: Int64) -> [Send] {
        guard !draining, failover.mayStart(nowMillis: nowMillis) else { return [] }
        var sends: [Send] = []
        var inFlight = inFlightCount
        let limit = inFlightLimit
        for index in entries.indices where inFlight < limit {
            switch entries[index].state {
            case .inFlight: continue
            case .parked(let until) where until > nowMillis: continue
            case .waiting, .parked: break
            }
            guard rate.allows(nowMillis: nowMillis) else { break }
            rate.spend(entries[index].batch.readings, nowMillis: nowMillis)
            let ticket = failover.ticket
            entries[index].state = .inFlight(ticket)
            entries[index].attempts += 1
            inFlight += 1
            sends.append(Send(
                batch: entries[index].batch, ticket: ticket, attempt: entries[index].attempts, defineAll: entries[index].defineAll))
        }
        return sends
    }

    /// Records how the attempt for `seq` ended.
    mutating func completed(
        seq: Int64, _ outcome: ForwardOutcome, nowMillis: Int64, using random: inout some RandomNumberGenerator
    ) -> Completion {
        guard let index = entries.firstIndex(where: { $0.batch.seq == seq }), case .inFlight(let ticket) = entries[index].state else {
            return .unknown
        }
        switch outcome {
        case .acknowledged:
            failover.succeeded(ticket)
            let entry = entries.remove(at: index)
            return .delete(entry.batch, attempts: entry.attempts)
        case .unknownSeries where !entries[index].defineAll:
            entries[index].defineAll = true
            entries[index].state = .waiting
            return .resendDefined
        case .rejected, .unknownSeries:
            // Refused even with every key defined: this batch is the problem.
            let until = nowMillis + settings.parkMillis
            entries[index].state = .parked(untilMillis: until)
            return .parked(untilMillis: until, attempts: entries[index].attempts)
        case .unreachable, .serverError, .foreignAnswer, .throttled, .unauthorized:
            let moved = failover.failed(ticket, outcome, nowMillis: nowMillis, using: &random)
            entries[index].state = .waiting
            return .retry(movedURL: moved)
        }
    }

    /// The earliest time something could start that cannot start now; nil when nothing waits
    /// for a time (the shell then waits for a new batch or a completion).
    func nextWakeMillis(nowMillis: Int64) -> Int64? {
        guard !draining else { return nil }
        var earliest: Int64?
        func consider(_ time: Int64) { if time > nowMillis { earliest = min(earliest ?? time, time) } }
        let hasWaiting = entries.contains { $0.state == .waiting }
        if hasWaiting {
            consider(failover.pausedUntil)
            if let next = rate.nextAllowedMillis { consider(next) }
        }
        for entry in entries {
            if case .parked(let until) = entry.state { consider(max(until, failover.pausedUntil)) }
        }
        return earliest
    }
}
