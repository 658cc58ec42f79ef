public import Readings

/// How the core judges one edge (and an edge its own report, on its site page) from its latest status report and how long ago it came: the
/// colour of the edge on the page and in `GET /api/v1/edges`. Pure.
///
/// - `down`: silent for more than ``downAfterReports`` report intervals (at least
///   ``downFloorMillis``): red on the page, and the core raises `core:edge-down`.
/// - `stale`: silent for more than ``staleAfterReports`` intervals (at least ``staleFloorMillis``).
/// - `warning`: reporting, with a problem (broker disconnected, spool filling, a backlog waiting
///   long, a rule file that did not load, a stuck outbox, a clock off).
/// - `ok`: reporting, nothing wrong.
public struct EdgeAssessment: Sendable, Equatable {
    public enum Health: String, Sendable, CaseIterable, Comparable {
        case ok, warning, stale, down

        private var rank: Int { Health.allCases.firstIndex(of: self) ?? 0 }
        public static func < (a: Health, b: Health) -> Bool { a.rank < b.rank }
    }

    public static let staleAfterReports: Int64 = 3
    public static let downAfterReports: Int64 = 6
    public static let staleFloorMillis: Int64 = 2_000
    public static let downFloorMillis: Int64 = 5_000
    /// A spool this full is a warning (percent).
    public static let spoolWarnPercent = 80.0
    /// A spool full within this is a warning (seconds).
    public static let spoolFullWarnSeconds = 3_600.0
    /// A reading waiting this long for the core is a warning (seconds).
    public static let oldestUnsentWarnSeconds = 300.0
    /// Webhook notifications or alert records waiting beyond this are a warning.
    public static let queueWarnDepth: Int64 = 1_000
    /// A clock further off than this is a warning (ms; one-way WAN latency included).
    public static let clockWarnMillis: Int64 = 2_000

    public var health: Health
    /// What is wrong, worded for the page (empty when ok).
    public var problems: [String]
    /// Since the last report (ms).
    public var silentMillis: Int64
    /// The edge's clock minus the core's when the report came (ms; includes the one-way latency).
    public var clockOffsetMillis: Int64

    /// When an edge reporting every `intervalMillis` turns stale and down after its last report.
    public static func thresholds(intervalMillis: Int64) -> (stale: Int64, down: Int64) {
        (max(staleFloorMillis, staleAfterReports * intervalMillis), max(downFloorMillis, downAfterReports * intervalMillis))
    }

    /// - Parameter heardSinceMillis: silence counts from here when it is later than the report
    ///   (a restarted core has not been listening before it started).
    public init(_ status: EdgeStatus, receivedAtMillis: Int64, nowMillis: Int64, heardSinceMillis: Int64 = .min) {
        silentMillis = max(0, nowMillis - max(receivedAtMillis, heardSinceMillis))
        clockOffsetMillis = status.atMillis - receivedAtMillis
        let limits = Self.thresholds(intervalMillis: status.intervalMillis)
        if silentMillis > limits.down {
            health = .down
            problems = ["no report for \(silentMillis / 1_000) s"]
            return
        }
        if silentMillis > limits.stale {
            health = .stale
            problems = ["no report for \(silentMillis / 1_000) s"]
            return
        }
        var problems: [String] = []
        if status.role != .standby, !status.mqttConnected { problems.append("not connected to the site broker") }
        if status.spoolCapacityBytes > 0 {
            let percent = Double(status.spoolBytes) / Double(status.spoolCapacityBytes) * 100
            if percent >= Self.spoolWarnPercent { problems.append("spool \(Self.whole(percent))% full") }
        }
        if let fullIn = status.spoolFullInSeconds, fullIn < Self.spoolFullWarnSeconds {
            problems.append("spool full in \(Self.whole(fullIn / 60)) min at this rate")
        }
        if let oldest = status.oldestUnsentSeconds, oldest > Self.oldestUnsentWarnSeconds {
            problems.append("readings waiting \(Self.whole(oldest / 60)) min for the core")
        }
        if let error = status.rulesError { problems.append("rule file not loaded: \(error.prefix(200))") }
        if status.outboxDepth > Self.queueWarnDepth { problems.append("\(status.outboxDepth) webhooks waiting") }
        if status.alertBacklog > Self.queueWarnDepth { problems.append("\(status.alertBacklog) alert records waiting for the core") }
        if abs(clockOffsetMillis) > Self.clockWarnMillis { problems.append("clock off by \(clockOffsetMillis) ms") }
        health = problems.isEmpty ? .ok : .warning
        self.problems = problems
    }

    /// A figure from a report as a whole number for a message: whatever an edge sent, never a trap.
    public static func whole(_ value: Double) -> Int64 {
        guard value.isFinite else { return 0 }
        return Int64(max(-1e15, min(value, 1e15)))
    }
}
