/// One alert as every part of Haetae sees it: the edge that raises it, the webhook receivers,
/// the core that stores it, the simulator that checks it. ``AlertCodec`` is its one wire form.
///
/// An alert keeps its ``id`` from firing to resolved (16 hex digits from the rule, the place and
/// the start: `Rules/AlertIdentity`). Times are epoch milliseconds.
public struct Alert: Equatable, Sendable {
    public var id: String
    public var rule: String
    /// `critical`, `warning`, `info`, or what a rule file names.
    public var severity: String
    public var site: String
    /// Empty for an alert about an edge itself (its rule starts with `edge:`) or a whole site.
    public var line: String
    /// Empty for an alert about a whole site (a flood alert); the edge's id for its own alerts.
    public var device: String
    /// Empty for an alert about a whole device.
    public var sensor: String
    /// The value that caused the transition; nil when it was not a finite number.
    public var value: Double?
    public var startedAtMillis: Int64
    /// Set once resolved.
    public var endedAtMillis: Int64?
    public var labels: [String: String]
    public var annotations: [String: String]
    /// The edge that sent the notification.
    public var edge: String
    /// The causing reading's own timestamp and device `seq`, when known.
    public var readingTs: Int64?
    public var seq: Int64?

    public init(
        id: String, rule: String, severity: String, site: String, line: String, device: String, sensor: String,
        value: Double?, startedAtMillis: Int64, endedAtMillis: Int64? = nil, labels: [String: String] = [:],
        annotations: [String: String] = [:], edge: String, readingTs: Int64? = nil, seq: Int64? = nil
    ) {
        self.id = id
        self.rule = rule
        self.severity = severity
        self.site = site
        self.line = line
        self.device = device
        self.sensor = sensor
        self.value = value.flatMap { $0.isFinite ? $0 : nil }
        self.startedAtMillis = startedAtMillis
        self.endedAtMillis = endedAtMillis
        self.labels = labels
        self.annotations = annotations
        self.edge = edge
        self.readingTs = readingTs
        self.seq = seq
    }
}

/// Which notification of an alert: the first (`firing`), a reminder while it still fires
/// (`repeat`), or its end (`resolved`).
public enum AlertKind: String, Sendable, CaseIterable {
    case firing
    case `repeat`
    case resolved

    /// `firing` or `resolved`: the alert's state after this notification.
    public var status: String { self == .resolved ? "resolved" : "firing" }
    /// The webhook's `type` (Standard Webhooks event type).
    public var webhookType: String { self == .resolved ? "alert.resolved" : "alert.firing" }
}

/// One notification of an alert, as sent to webhook receivers and to the core.
public struct AlertNotice: Equatable, Sendable {
    public var kind: AlertKind
    /// When the edge sent it (the webhook's `timestamp`, the core's `at`).
    public var atMillis: Int64
    public var alert: Alert

    public init(kind: AlertKind, atMillis: Int64, alert: Alert) {
        self.kind = kind
        self.atMillis = atMillis
        self.alert = alert
    }

    /// The Standard Webhooks `webhook-id`: one per notification, the same on every retry.
    public var webhookID: String { Self.webhookID(alertID: alert.id, kind: kind, atMillis: atMillis) }

    /// The `webhook-id` of the notification `kind` of alert `alertID` sent at `atMillis`.
    public static func webhookID(alertID: String, kind: AlertKind, atMillis: Int64) -> String {
        "msg_\(alertID)_\(kind.rawValue)_\(atMillis)"
    }
}

/// What an edge posts to the core's `POST /api/v1/alerts`.
public struct AlertPost: Equatable, Sendable {
    /// Must be the posting token's edge.
    public var edge: String
    public var notices: [AlertNotice]
    /// Stop commands and their outcomes, for the core's alarm audit log.
    public var commands: [CommandAttempt]

    public init(edge: String, notices: [AlertNotice], commands: [CommandAttempt] = []) {
        self.edge = edge
        self.notices = notices
        self.commands = commands
    }
}
