public import Readings

/// An operator's action on alarms (ANSI/ISA-18.2), as the core records it together with its
/// audit entry (``ReadingStore/record(_:)``).
public enum AlarmAction: Sendable, Equatable {
    /// Someone saw the alert (one firing episode, by its id): active/unacknowledged becomes
    /// active/acknowledged, returned-to-normal/unacknowledged becomes normal.
    case acknowledge(alertID: String)
    /// The alarm point notifies nobody until `untilMillis` (it expires by itself).
    case shelve(AlarmPoint, untilMillis: Int64)
    case unshelve(AlarmPoint)
    /// A device, line or site under maintenance: its alarms are recorded but not notified.
    case removeFromService(ServiceScope)
    case returnToService(ServiceScope)

    /// The action's name in the API and the audit log.
    public var name: String {
        switch self {
        case .acknowledge: "acknowledge"
        case .shelve: "shelve"
        case .unshelve: "unshelve"
        case .removeFromService: "out_of_service"
        case .returnToService: "return_to_service"
        }
    }

    /// Every action name, for error messages.
    public static let names = "acknowledge, shelve, unshelve, out_of_service or return_to_service"
}

/// An action with who took it, when, and their comment.
public struct AlarmActionRequest: Sendable, Equatable {
    public var action: AlarmAction
    public var user: String
    public var comment: String
    public var atMillis: Int64

    public init(action: AlarmAction, user: String, comment: String, atMillis: Int64) {
        self.action = action
        self.user = user
        self.comment = comment
        self.atMillis = atMillis
    }
}

/// What recording an action came to.
public enum AlarmActionOutcome: Sendable, Equatable {
    /// Recorded, with its audit entry.
    case done
    /// Nothing changed and nothing was audited: `reason` says why (already acknowledged by …,
    /// not shelved, already out of service, …).
    case unchanged(String)
    /// No alert has that id.
    case unknownAlert
}

/// Who acknowledged an alert, when, and what they said.
public struct Acknowledgement: Sendable, Equatable {
    public var by: String
    public var atMillis: Int64
    public var comment: String

    public init(by: String, atMillis: Int64, comment: String) {
        self.by = by
        self.atMillis = atMillis
        self.comment = comment
    }
}

/// One entry of the alarm audit log: an action that changed something, with where it applied
/// (for an acknowledgement, the alert's place; for out of service, the scope, `rule` and
/// `sensor` empty), or a stop command an edge sent and what became of it (``stopCommand``, by
/// the edge, on its alert's place).
public struct AlarmAuditEntry: Sendable, Equatable {
    public var id: Int64
    public var atMillis: Int64
    public var user: String
    /// ``AlarmAction/name``.
    public var action: String
    /// Empty unless the action was on one alert.
    public var alertID: String
    public var rule: String
    public var site: String
    public var line: String
    public var device: String
    public var sensor: String
    public var comment: String
    /// For a shelf: when it ends.
    public var untilMillis: Int64?

    public init(
        id: Int64, atMillis: Int64, user: String, action: String, alertID: String, rule: String, site: String, line: String,
        device: String, sensor: String, comment: String, untilMillis: Int64?
    ) {
        self.id = id
        self.atMillis = atMillis
        self.user = user
        self.action = action
        self.alertID = alertID
        self.rule = rule
        self.site = site
        self.line = line
        self.device = device
        self.sensor = sensor
        self.comment = comment
        self.untilMillis = untilMillis
    }

    /// The entry an action makes, before the store numbers it; `point` is where it applied.
    init(_ request: AlarmActionRequest, point: AlarmPoint) {
        var until: Int64?
        var alertID = ""
        switch request.action {
        case .shelve(_, let end): until = end
        case .acknowledge(let id): alertID = id
        default: break
        }
        self.init(
            id: 0, atMillis: request.atMillis, user: request.user, action: request.action.name, alertID: alertID, rule: point.rule,
            site: point.site, line: point.line, device: point.device, sensor: point.sensor, comment: request.comment,
            untilMillis: until)
    }
}

extension AlarmAuditEntry {
    /// The audit action of a stop command's record.
    public static let stopCommand = "stop_command"

    /// The entry a stop-command record makes, before the store numbers it: by the edge that
    /// sent it, on the alert's place, its outcome as the comment
    /// (`sent: {"cmd":"stop"} → factory/seoul/line1/press-03/cmd`, `…, attempt 2`).
    init(command: CommandAttempt, edge: String) {
        var comment = "\(command.result): \(command.payload) → \(command.topic)"
        if command.attempt > 1 { comment += ", attempt \(command.attempt)" }
        self.init(
            id: 0, atMillis: command.atMillis, user: edge, action: Self.stopCommand, alertID: command.alertID, rule: command.rule,
            site: command.site, line: command.line, device: command.device, sensor: "", comment: comment, untilMillis: nil)
    }
}

extension AlarmAction {
    /// Where the action applies, when that is known without a lookup (all but an acknowledgement).
    var place: AlarmPoint? {
        switch self {
        case .acknowledge: nil
        case .shelve(let point, _), .unshelve(let point): point
        case .removeFromService(let scope), .returnToService(let scope):
            AlarmPoint(rule: "", site: scope.site, line: scope.line, device: scope.device, sensor: "")
        }
    }
}

extension AlarmActionOutcome {
    /// The reasons both backends give, worded once.
    static func alreadyAcknowledged(by user: String, atMillis: Int64) -> AlarmActionOutcome {
        .unchanged("already acknowledged by \(user) at \(RFC3339.format(millis: atMillis))")
    }
    static let notShelved = AlarmActionOutcome.unchanged("not shelved")
    static let alreadyOutOfService = AlarmActionOutcome.unchanged("already out of service")
    static let notOutOfService = AlarmActionOutcome.unchanged("not out of service")
}
