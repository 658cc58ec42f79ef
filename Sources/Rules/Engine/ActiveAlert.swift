/// An alert that is pending or firing, as persisted across restarts and listed by the API.
///
/// Keyed by rule name plus site/line/device/sensor (sensor `""` for device-scoped rules), so it
/// can be given back to a new engine (after a restart or a rule reload) with
/// ``RuleEngine/restore(_:)`` without firing again.
public struct ActiveAlert: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        case pending, firing
    }

    public var rule: String
    public var site: String
    public var line: String
    public var device: String
    public var sensor: String
    public var state: State
    /// Pending: when the condition started to hold. Firing: when the alert fired.
    public var sinceMillis: Int64
    /// The last value evaluated for the alert.
    public var value: Double
    /// When the last firing or repeat notification went out; nil while pending.
    public var lastNotifiedMillis: Int64?

    public init(
        rule: String, site: String, line: String, device: String, sensor: String, state: State,
        sinceMillis: Int64, value: Double, lastNotifiedMillis: Int64? = nil
    ) {
        self.rule = rule
        self.site = site
        self.line = line
        self.device = device
        self.sensor = sensor
        self.state = state
        self.sinceMillis = sinceMillis
        self.value = value
        self.lastNotifiedMillis = lastNotifiedMillis
    }

    /// The ``AlertEvent/alertID`` of this alert's notifications (meaningful once firing).
    public var alertID: String {
        AlertIdentity.id(rule: rule, site: site, line: line, device: device, sensor: sensor, startedAtMillis: sinceMillis)
    }

    var key: AlertKey { AlertKey(rule: rule, site: site, line: line, device: device, sensor: sensor) }
}

/// What identifies an alert across engines: rule name and where.
struct AlertKey: Hashable, Sendable {
    var rule: String
    var site: String
    var line: String
    var device: String
    var sensor: String
}
