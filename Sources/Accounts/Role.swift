/// What a person may do on the page and through the API with a page session. Each role includes
/// the ones before it: an admin may do what an operator may, an operator what a viewer may.
public enum Role: String, Sendable, CaseIterable, Comparable {
    /// Sees every site, device, chart and alert.
    case viewer
    /// Acts on alarms (acknowledge, shelve: the alarm-management issue's actions).
    case `operator`
    /// Sees and manages the accounts.
    case admin

    /// Whether this role may do what `needed` may.
    public func allows(_ needed: Role) -> Bool { self >= needed }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// "viewer, operator or admin", for error messages.
    public static let choices = "viewer, operator or admin"
}
