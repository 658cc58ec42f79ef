/// How one edge is doing, as it reports itself to the core every few seconds
/// (`POST /api/v1/edges/status`, ``EdgeStatusCodec``): the core's fleet view, `GET /api/v1/edges`
/// and its edge-down alarm are built from these. Times are epoch milliseconds on the edge's
/// clock (the core compares ``atMillis`` with its own for the clock offset). Rates are per
/// second over the last report interval; a figure the edge cannot tell yet is nil.
public struct EdgeStatus: Equatable, Sendable {
    /// `lone` (no pair), `active` (holds the site's session) or `standby`.
    public enum Role: String, Sendable, CaseIterable {
        case lone, active, standby
    }

    public var edge: String
    public var site: String
    /// ``HaetaeVersion``-style text with the build's revision: `0.1.0 (c39d00a)`.
    public var version: String
    public var role: Role
    public var atMillis: Int64
    /// How often the edge reports (the core marks it stale after a few missed reports).
    public var intervalMillis: Int64
    /// The session connection to the site broker is up (a standby's is held down on purpose).
    public var mqttConnected: Bool
    /// Readings accepted into the spool per second.
    public var ingestRate: Double
    /// Messages refused since the edge started, by reason (`not_numeric`, `bad_topic`, …).
    public var rejects: [String: Int64]
    public var spoolBytes: Int64
    /// `spool.max_bytes`; 0 when unbounded.
    public var spoolCapacityBytes: Int64
    /// Seconds until the spool is full at the current net growth; nil when it is not growing or unbounded.
    public var spoolFullInSeconds: Double?
    /// Readings in the spool not yet acknowledged by the core.
    public var backlogReadings: Int64
    /// Seconds until the backlog is forwarded at the current net rate; nil when it is not shrinking.
    public var backlogDrainSeconds: Double?
    /// Age of the oldest reading not yet at the core; nil when none waits.
    public var oldestUnsentSeconds: Double?
    /// Readings the core acknowledged per second.
    public var forwardRate: Double
    /// Alert notifications and stop-command records waiting for the core.
    public var alertBacklog: Int64
    /// Webhook notifications waiting for their receivers.
    public var outboxDepth: Int64
    /// A digest of the rule file in force (16 hex digits); empty without rules.
    public var rulesVersion: String
    public var rulesLoadedAtMillis: Int64?
    /// The errors of the last reload that failed while the older rules kept running.
    public var rulesError: String?
    /// Where operators open this edge's own site page (`http.page_url`); nil when not set.
    public var pageURL: String?

    public init(
        edge: String, site: String, version: String, role: Role, atMillis: Int64, intervalMillis: Int64, mqttConnected: Bool,
        ingestRate: Double = 0, rejects: [String: Int64] = [:], spoolBytes: Int64 = 0, spoolCapacityBytes: Int64 = 0,
        spoolFullInSeconds: Double? = nil, backlogReadings: Int64 = 0, backlogDrainSeconds: Double? = nil,
        oldestUnsentSeconds: Double? = nil, forwardRate: Double = 0, alertBacklog: Int64 = 0, outboxDepth: Int64 = 0,
        rulesVersion: String = "", rulesLoadedAtMillis: Int64? = nil, rulesError: String? = nil, pageURL: String? = nil
    ) {
        self.pageURL = pageURL
        self.edge = edge
        self.site = site
        self.version = version
        self.role = role
        self.atMillis = atMillis
        self.intervalMillis = intervalMillis
        self.mqttConnected = mqttConnected
        self.ingestRate = ingestRate
        self.rejects = rejects
        self.spoolBytes = spoolBytes
        self.spoolCapacityBytes = spoolCapacityBytes
        self.spoolFullInSeconds = spoolFullInSeconds
        self.backlogReadings = backlogReadings
        self.backlogDrainSeconds = backlogDrainSeconds
        self.oldestUnsentSeconds = oldestUnsentSeconds
        self.forwardRate = forwardRate
        self.alertBacklog = alertBacklog
        self.outboxDepth = outboxDepth
        self.rulesVersion = rulesVersion
        self.rulesLoadedAtMillis = rulesLoadedAtMillis
        self.rulesError = rulesError
    }
}
