/// A firing alert as the site's active edge leaves it for whoever takes the session next: the
/// retained message on `haetae/<site>/alerts/<alert id>` (cleared, an empty retained message,
/// when the alert resolves).
///
/// A standby keeps every such record; when it takes the session over it adopts them into its rule
/// engine and alert store, so an alert the old active fired is neither fired again nor forgotten:
/// it resolves once, with the same alert id, when its condition clears.
public struct HandedOverAlert: Equatable, Sendable {
    /// The epoch of the owner that published it (``OwnerRecord/epoch``).
    public var epoch: UInt64
    /// The edge that published it.
    public var edge: String
    /// The alert's id (16 hex digits, as in its notifications); also the topic's last level.
    public var alertID: String
    public var rule: String
    public var site: String
    public var line: String
    public var device: String
    /// `""` for a device-scoped alert.
    public var sensor: String
    /// When it fired (milliseconds since the epoch).
    public var sinceMillis: Int64
    /// The last value evaluated; nil when not a finite number.
    public var value: Double?
    /// When its last firing or repeat notification went out.
    public var lastNotifiedMillis: Int64
    public var severity: String
    /// The webhook receivers of its rule.
    public var receivers: [String]
    /// Its latest notification body (the webhook's JSON), shown by the new active's API.
    public var notification: String

    public init(
        epoch: UInt64, edge: String, alertID: String, rule: String, site: String, line: String, device: String, sensor: String,
        sinceMillis: Int64, value: Double?, lastNotifiedMillis: Int64, severity: String, receivers: [String], notification: String
    ) {
        self.epoch = epoch
        self.edge = edge
        self.alertID = alertID
        self.rule = rule
        self.site = site
        self.line = line
        self.device = device
        self.sensor = sensor
        self.sinceMillis = sinceMillis
        self.value = value
        self.lastNotifiedMillis = lastNotifiedMillis
        self.severity = severity
        self.receivers = receivers
        self.notification = notification
    }

    /// The topic of one alert's record.
    public static func topic(site: String, alertID: String) -> String { "haetae/\(site)/alerts/\(alertID)" }

    /// The filter a standby subscribes to.
    public static func topicFilter(site: String) -> String { "haetae/\(site)/alerts/+" }

    /// The alert id a topic names, if it is one of `site`'s alert topics.
    public static func alertID(inTopic topic: String, site: String) -> String? {
        let prefix = "haetae/\(site)/alerts/"
        guard topic.hasPrefix(prefix) else { return nil }
        let id = topic.dropFirst(prefix.count)
        return HandedOverAlertCodec.isAlertID(id) ? String(id) : nil
    }
}
