import Clocks
import Readings
import Synchronization

/// This edge's own status for its site page: its figures as it reports them to the core
/// (``EdgeStatusSampler``, sampled at most once a second however many pages ask), and whether the
/// core takes its data, from the outcome of its status reports (``StatusReporter``).
final class OwnStatus: Sendable {
    /// Whether the core takes this edge's data.
    enum CoreLink: String, Sendable {
        /// No `forward:` section: nothing goes to a core.
        case off
        /// No report went yet.
        case unknown
        case reachable
        case unreachable
    }

    struct CoreState: Sendable, Equatable {
        var link: CoreLink
        /// The last report the core took (epoch ms).
        var lastTakenMillis: Int64?
        /// Why the last report failed.
        var detail = ""
    }

    private struct State {
        var sampler = EdgeStatusSampler()
        var latest: EdgeStatus?
        var core: CoreState
    }

    /// The metrics text and what it does not hold (the status reporter's source).
    private let source: StatusReporter.Source
    private let state: Mutex<State>

    init(forwarding: Bool, source: @escaping StatusReporter.Source) {
        self.source = source
        state = Mutex(State(core: CoreState(link: forwarding ? .unknown : .off)))
    }

    /// The core took a report.
    func coreTook(nowMillis: Int64) {
        state.withLock { $0.core = CoreState(link: .reachable, lastTakenMillis: nowMillis) }
    }

    /// A report did not reach the core, or the core refused it.
    func coreMissed(detail: String) {
        state.withLock { $0.core.link = .unreachable; $0.core.detail = String(detail.prefix(200)) }
    }

    var core: CoreState { state.withLock { $0.core } }

    /// The status now (a fresh sample when the last is older than a second).
    func status(nowMillis: Int64 = WallClock.millis()) -> EdgeStatus {
        if let latest = state.withLock({ $0.latest }), nowMillis - latest.atMillis < 1_000, nowMillis >= latest.atMillis { return latest }
        // The metrics text is built outside the lock (it renders every metric).
        let (text, context) = source()
        return state.withLock { state in
            // Another request may have sampled meanwhile: rates over a few ms would mean nothing.
            if let latest = state.latest, nowMillis - latest.atMillis < 1_000 { return latest }
            let status = state.sampler.status(MetricsText(text), context: context, nowMillis: nowMillis)
            state.latest = status
            return status
        }
    }
}
