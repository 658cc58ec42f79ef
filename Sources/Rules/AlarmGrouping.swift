/// How a rule's alarms are gathered into one per fault (`group_by:`): one alarm for a whole
/// device, line or site while any of its series meets the condition, instead of one per series.
/// A silent device is then one alarm, not one per sensor.
public enum AlarmGrouping: String, Sendable, CaseIterable {
    /// One alarm per series (per device for a rule on named sensors): no grouping.
    case series
    case device
    case line
    case site

    /// The values `group_by` takes, for messages.
    static let expected = allCases.map(\.rawValue).joined(separator: ", ")
}
