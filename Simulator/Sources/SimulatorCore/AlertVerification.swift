public import Readings

/// What the edge reported back during a run, matched against the ground truth: which injected
/// hazards raised their alert (recall), which alerts had no hazard behind them (precision), and
/// how long alerts and stop commands took from the device's reading.
public struct AlertVerification: Sendable, Encodable, Equatable {
    /// One alert notification as a verified webhook delivered it: the notice as the one alert
    /// codec (``Readings/AlertCodec``) read it, with the webhook's id and when it arrived.
    public struct Alert: Sendable, Equatable {
        public var webhookID: String
        public var notice: AlertNotice
        public var receivedAtMicros: Int64

        public var alertID: String { notice.alert.id }
        public var rule: String { notice.alert.rule }
        public var site: String { notice.alert.site }
        public var line: String { notice.alert.line }
        public var device: String { notice.alert.device }
        public var sensor: String { notice.alert.sensor }
        /// `firing`, `repeat` or `resolved`.
        public var notification: String { notice.kind.rawValue }
        public var startedAtMillis: Int64 { notice.alert.startedAtMillis }
        /// When it resolved (resolved notifications only).
        public var endedAtMillis: Int64? { notice.alert.endedAtMillis }
        /// The causing reading's own `ts` (the simulator's clock at publish); nil for a timer transition.
        public var readingTsMillis: Int64? { notice.alert.readingTs }
        /// The causing reading's device `seq`, when it carried one.
        public var seq: Int64? { notice.alert.seq }

        public init(webhookID: String, notice: AlertNotice, receivedAtMicros: Int64) {
            self.webhookID = webhookID
            self.notice = notice
            self.receivedAtMicros = receivedAtMicros
        }

        /// One made up in a test: the members the matcher reads, the rest plain.
        public init(
            webhookID: String, alertID: String, rule: String, site: String, line: String, device: String, sensor: String,
            notification: String, startedAtMillis: Int64, endedAtMillis: Int64? = nil, readingTsMillis: Int64?, seq: Int64? = nil,
            receivedAtMicros: Int64
        ) {
            let alert = Readings.Alert(
                id: alertID, rule: rule, severity: "warning", site: site, line: line, device: device, sensor: sensor, value: nil,
                startedAtMillis: startedAtMillis, endedAtMillis: endedAtMillis, edge: "", readingTs: readingTsMillis, seq: seq)
            self.init(
                webhookID: webhookID, notice: AlertNotice(kind: AlertKind(rawValue: notification) ?? .firing, atMillis: startedAtMillis, alert: alert),
                receivedAtMicros: receivedAtMicros)
        }
    }

    /// One firing alert and how long it took.
    public struct Fired: Sendable, Equatable, Encodable {
        public var rule: String
        public var where_: String
        public var startedAtMillis: Int64
        /// `reading` (timed from the publish of the reading that raised it), `reading_ts` (from
        /// that reading's millisecond `ts`), or `timer` (from when its `for`/`absent` ran out).
        public var timedFrom: String
        public var webhookMillis: Double
        /// Of `webhook_ms`, the part until the edge evaluated the reading (its `started_at`, by the
        /// edge's clock, to the millisecond): the broker's hop and the edge's receive queue. The
        /// rest is the edge's POST and the receiver. Only for alerts raised by a reading, and only
        /// meaningful when the edge's clock agrees with the simulator's (one machine).
        public var toEdgeMillis: Double?
        public var hazard: Bool

        enum CodingKeys: String, CodingKey {
            case rule, hazard
            case where_ = "where"
            case startedAtMillis = "started_at_ms"
            case timedFrom = "timed_from"
            case webhookMillis = "webhook_ms"
            case toEdgeMillis = "to_edge_ms"
        }
    }

    /// A command the edge published back (a stop command), as a subscriber received it.
    public struct Command: Sendable, Equatable {
        public var site: String
        public var line: String
        public var device: String
        /// The rule it names, when its payload is JSON with a `rule` key.
        public var rule: String?
        public var receivedAtMicros: Int64

        public init(site: String, line: String, device: String, rule: String?, receivedAtMicros: Int64) {
            self.site = site
            self.line = line
            self.device = device
            self.rule = rule
            self.receivedAtMicros = receivedAtMicros
        }
    }

    /// An injected hazard, in wall-clock milliseconds.
    public struct Hazard: Sendable, Equatable, Encodable {
        public var type: String
        public var rule: String
        public var site: String
        public var line: String
        public var device: String
        public var startMillis: Int64
        public var endMillis: Int64

        public init(type: String, rule: String, site: String, line: String, device: String, startMillis: Int64, endMillis: Int64) {
            self.type = type
            self.rule = rule
            self.site = site
            self.line = line
            self.device = device
            self.startMillis = startMillis
            self.endMillis = endMillis
        }

        enum CodingKeys: String, CodingKey {
            case type, rule, site, line, device
            case startMillis = "start_ms"
            case endMillis = "end_ms"
        }
    }

    /// A firing alert no hazard explains.
    public struct FalseAlert: Sendable, Equatable, Encodable {
        public var rule: String
        public var where_: String
        public var startedAtMillis: Int64

        enum CodingKeys: String, CodingKey {
            case rule
            case where_ = "where"
            case startedAtMillis = "started_at_ms"
        }
    }

    /// Percentiles of a latency distribution, in milliseconds.
    public struct Latency: Sendable, Equatable, Encodable {
        public var count: Int
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var max: Double

        public init(count: Int, p50: Double, p90: Double, p99: Double, max: Double) {
            self.count = count
            self.p50 = p50
            self.p90 = p90
            self.p99 = p99
            self.max = max
        }
    }

    public var hazards: Int
    public var detected: Int
    public var missed: [Hazard]
    /// Distinct alerts that fired.
    public var firingAlerts: Int
    public var resolvedAlerts: Int
    public var matchedAlerts: Int
    public var falseAlerts: [FalseAlert]
    /// detected / hazards (1 with no hazards).
    public var recall: Double
    /// matched / firing alerts (1 with no alerts).
    public var precision: Double
    /// Every alert that fired, with its latency.
    public var fired: [Fired]
    public var webhooksReceived: Int
    /// Deliveries whose signature did not verify (rejected with 401, not counted as alerts).
    public var badSignatures: Int
    public var stopCommands: Int
    /// Alerts that started after publishing ended (devices falling silent at the end of a run
    /// trip `absent` rules): neither matched nor false, only counted.
    public var afterRun: Int = 0
    /// Alerts that fired while another alert of the same rule for the same place (site, line,
    /// device, sensor) was still firing: one rule engine never does that, so each is a second
    /// alert for one condition (two edges alerting, e.g. across a takeover).
    public var repeatedAlerts: [FalseAlert] = []
    /// Alerts resolved by more than one notification (two edges resolving the same alert).
    public var resolvedTwice: [String] = []
    /// The edge's alerts about itself (rule `edge:…`, e.g. `edge:spool-storage`): not hazards,
    /// neither matched nor false; their notifications (`rule firing|resolved`), in arrival order.
    public var systemAlerts: [String] = []
    /// Reading published → firing webhook received, for alerts a reading raised.
    public var webhookLatency: Latency?
    /// Due → firing webhook received, for alerts a timer raised (`for` running out after the
    /// last reading, `absent`): adds the edge's timer tick.
    public var timerWebhookLatency: Latency?
    /// Reading published → stop command received.
    public var stopCommandLatency: Latency?

    enum CodingKeys: String, CodingKey {
        case hazards, detected, missed, recall, precision
        case firingAlerts = "firing_alerts"
        case resolvedAlerts = "resolved_alerts"
        case matchedAlerts = "matched_alerts"
        case falseAlerts = "false_alerts"
        case fired
        case webhooksReceived = "webhooks_received"
        case badSignatures = "bad_signatures"
        case stopCommands = "stop_commands"
        case afterRun = "after_run"
        case repeatedAlerts = "repeated_alerts"
        case resolvedTwice = "resolved_twice"
        case systemAlerts = "system_alerts"
        case webhookLatency = "publish_to_webhook_ms"
        case timerWebhookLatency = "due_to_webhook_ms"
        case stopCommandLatency = "publish_to_stop_command_ms"
    }
}
