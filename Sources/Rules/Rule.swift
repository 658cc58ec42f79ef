/// One compiled alert rule from a rule file.
///
/// Build rules with ``RuleFileParser``; the engine runs their compiled conditions.
public struct Rule: Sendable {
    /// Unique within its ``RuleSet``; part of the alert identity.
    public let name: String
    public let match: SeriesMatch
    /// The `when` expression as written.
    public let when: String
    /// The `clear` expression as written; nil means "clears when `when` is false".
    public let clear: String?
    /// How long `when` must hold before the alert fires (`for:`); zero fires at once.
    public var holdFor: Duration { .milliseconds(holdMillis) }
    /// How often a firing alert is notified again (`repeat:`); nil for never.
    public var repeatEvery: Duration? { repeatMillis.map { .milliseconds($0) } }
    public let severity: Severity
    public let labels: [String: String]
    public let annotations: [String: Template]
    public let actions: [RuleAction]
    /// Where the rule starts in its file (1-based line), for messages about it.
    public let fileLine: Int
    /// `group_by` as written; nil when the rule does not say.
    public let groupBy: AlarmGrouping?

    /// How its alarms are grouped: `group_by` when given; rules with `absent` group by device
    /// when they do not say (a silent device is one alarm, not one per sensor); nil for one
    /// alarm per series (or per device, for a rule on named sensors, which is that already).
    public var grouping: AlarmGrouping? {
        let chosen = groupBy ?? (watchesAbsence ? .device : .series)
        switch chosen {
        case .series: return nil
        case .device: return isDeviceScoped ? nil : .device
        case .line, .site: return chosen
        }
    }

    /// Whether one alert covers a whole device (site/line/device, sensor `""`): true when the
    /// conditions use only named sensors, not `value`, a window or `absent`. Such a rule is
    /// evaluated on every reading of any matching sensor of the device.
    public var isDeviceScoped: Bool { symbols.isDeviceScoped }

    /// Whether the rule uses `absent(d)`: its series are watched for silence.
    public var watchesAbsence: Bool { !symbols.absentMillis.isEmpty }

    var holdMillis: Int64
    var repeatMillis: Int64?
    var whenCode: CompiledExpression
    var clearCode: CompiledExpression?
    var symbols: RuleSymbols
}
