/// How a rule's alarms are gathered into one per fault (`group_by:`): one alarm for a whole
/// device, line or site while any of its series meets the condition, instead of one per series.
/// A silent device is then one alarm, not one per sensor.
public enum AlarmGrouping: String, Sendable, CaseIterable {
    /// One alarm per series (per device for a rule on named sensors): no grouping.
    case series
    case device
    case line
    case site

    /// The placeholders that name something below the group (a member, not the group): a stop
    /// command's topic cannot use them, since a group's alarm is one for all its members.
    var memberPlaceholders: Set<Template.Placeholder> {
        switch self {
        case .series: []
        case .device: [.sensor]
        case .line: [.device, .sensor]
        case .site: [.line, .device, .sensor]
        }
    }

    /// The values `group_by` takes, for messages.
    static let expected = allCases.map(\.rawValue).joined(separator: ", ")
}
