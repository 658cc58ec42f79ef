/// One attempt to publish a rule's MQTT action (a stop command), or a turn in its fate (held by
/// its cooldown, confirmed, escalated): what the edge records in `alerts.db`, lists at its
/// `GET /api/v1/commands` and forwards to the core's alarm audit log. ``AlertCodec`` is its one
/// wire form. Times are epoch milliseconds.
public struct CommandAttempt: Equatable, Sendable {
    /// The alert the command acts on.
    public var alertID: String
    public var rule: String
    public var site: String
    public var line: String
    /// Empty for a command about a whole line or site (a rule grouped by line or site).
    public var device: String
    public var topic: String
    public var payload: String
    public var qos: Int
    /// 1 for the first publish, then each resend; 0 for a command never published (held,
    /// refused, not sent while shelved).
    public var attempt: Int
    public var atMillis: Int64
    /// `sent`, `sent again: not confirmed within 5000 ms`, `confirmed 412 ms after the first
    /// send`, `not confirmed after 3 sends: escalated`, `held: cooldown …`, `not sent: shelved
    /// until …`, `refused: …`, `failed, retried while the alert fires: …`.
    public var result: String

    public init(
        alertID: String, rule: String, site: String, line: String, device: String, topic: String, payload: String, qos: Int,
        attempt: Int, atMillis: Int64, result: String
    ) {
        self.alertID = alertID
        self.rule = rule
        self.site = site
        self.line = line
        self.device = device
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.attempt = attempt
        self.atMillis = atMillis
        self.result = result
    }

    /// Whether the command went out with this record (a first send or a resend), as opposed to
    /// an outcome of one sent before or a command that did not go.
    public var wasPublished: Bool { result.hasPrefix("sent") }

    /// Whether the record goes to the core's audit log. A publish that keeps failing while the
    /// broker is away is retried every 30 s at most for as long as its alert fires: its first
    /// failure and how it ended are the audit's, not every retry (those stay at the edge's
    /// `GET /api/v1/commands`).
    public var isAudited: Bool { !(result.hasPrefix("failed") && attempt > 1) }

    /// A 64-bit key of this record's canonical form (``AlertCodec/encodeCommand(_:)``): the core
    /// keeps each record once, however often an edge posts it.
    public var key: Int64 { Int64(bitPattern: SeriesTable.fnv1a(AlertCodec.encodeCommand(self))) }
}
