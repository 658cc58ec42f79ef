/// A notification from the engine: an alert fired, resolved, or is repeated while firing.
///
/// Everything a webhook or MQTT action needs is here, already rendered, so the consumer does no
/// rule lookups. Events are built only on transitions, never for an ordinary reading.
public struct AlertEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case firing, resolved, `repeat`
    }

    public var kind: Kind
    /// Stable for the life of one firing (the same on its firing, repeat and resolved events),
    /// so a consumer can deduplicate; see ``AlertIdentity``.
    public var alertID: String
    /// The index of the rule in its ``RuleSet``.
    public var ruleIndex: Int
    public var rule: String
    public var severity: Severity
    public var site: String
    public var line: String
    public var device: String
    /// `""` for a device-scoped alert (see ``Rule/isDeviceScoped``).
    public var sensor: String
    /// The reading that caused the transition (for timers: the last one evaluated).
    public var value: Double
    /// When the alert fired, in milliseconds since the epoch (of the times given to the engine).
    public var startedAtMillis: Int64
    /// When it resolved; only for ``Kind/resolved``.
    public var endedAtMillis: Int64?
    /// When this notification happened (equal to `startedAtMillis` for ``Kind/firing``).
    public var atMillis: Int64
    public var labels: [String: String]
    public var annotations: [String: String]
    public var actions: [RenderedAction]
    /// How long the alert's series had been reporting when the event was made: its last reading
    /// minus its first, as this engine saw them (0 for a series seen once, or whose readings all
    /// came before the engine was built). Not sent anywhere: ``AlertFloodGate`` uses it to keep a
    /// flood from invented one-shot names apart from the alerts of the plant's real sensors.
    public var seriesHistoryMillis: Int64

    public init(
        kind: Kind, alertID: String, ruleIndex: Int, rule: String, severity: Severity, site: String, line: String,
        device: String, sensor: String, value: Double, startedAtMillis: Int64, endedAtMillis: Int64?, atMillis: Int64,
        labels: [String: String], annotations: [String: String], actions: [RenderedAction], seriesHistoryMillis: Int64 = 0
    ) {
        self.kind = kind
        self.alertID = alertID
        self.ruleIndex = ruleIndex
        self.rule = rule
        self.severity = severity
        self.site = site
        self.line = line
        self.device = device
        self.sensor = sensor
        self.value = value
        self.startedAtMillis = startedAtMillis
        self.endedAtMillis = endedAtMillis
        self.atMillis = atMillis
        self.labels = labels
        self.annotations = annotations
        self.actions = actions
        self.seriesHistoryMillis = seriesHistoryMillis
    }
}
