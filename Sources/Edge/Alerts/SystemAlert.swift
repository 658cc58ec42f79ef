import Rules

/// Alerts the edge raises about itself rather than from the rule file: they go to every
/// webhook receiver and to the core like rule alerts, with the edge as their device.
/// Their rule names start with `edge:`, which rule files may not use, so a rule reload never
/// resolves them and the rule engine is never given them back.
enum SystemAlert: String, CaseIterable, Sendable {
    /// The spool cannot commit (disk full, I/O errors): readings are being dropped.
    case spoolStorage = "edge:spool-storage"

    /// The prefix of every system alert's rule name.
    static let prefix = "edge:"

    static func isSystem(rule: String) -> Bool { rule.hasPrefix(prefix) }

    var severity: Severity {
        switch self {
        case .spoolStorage: .critical
        }
    }

    var summary: String {
        switch self {
        case .spoolStorage: "the edge cannot write its spool: readings are counted and dropped until it can (haetae_spool_dropped_total{reason=\"storage\"}); rules, stop commands and webhooks keep running"
        }
    }

    /// The transition, with the same alert id for its firing and resolved notifications.
    func event(
        firing: Bool, edge: String, site: String, startedAtMillis: Int64, atMillis: Int64, detail: String, receivers: [String]
    ) -> AlertEvent {
        AlertEvent(
            kind: firing ? .firing : .resolved,
            alertID: AlertIdentity.id(rule: rawValue, site: site, line: "", device: edge, sensor: "", startedAtMillis: startedAtMillis),
            ruleIndex: -1, rule: rawValue, severity: severity, site: site, line: "", device: edge, sensor: "", value: .nan,
            startedAtMillis: startedAtMillis, endedAtMillis: firing ? nil : atMillis, atMillis: atMillis,
            labels: ["source": "edge"], annotations: ["summary": summary, "detail": String(detail.prefix(500))],
            actions: receivers.map { .webhook(receiver: $0) })
    }
}
