import Rules

/// The alert raised when a stop command is not confirmed after every retry (``CommandLoop``):
/// critical, about the device the command went to, to the receivers of the alert that sent it.
/// It resolves when the reply still comes, when that alert resolves, or (from its record) when
/// the edge restarts, since the wait is not kept across a restart.
enum CommandEscalation {
    /// Its rule name (`edge:` rules are the edge's own: never in a rule file).
    static let rule = "edge:stop-unconfirmed"

    static func event(_ command: CommandLoop.Waiting, firing: Bool, atMillis: Int64, why: String) -> AlertEvent {
        let started = command.escalatedAtMillis ?? atMillis
        return AlertEvent(
            kind: firing ? .firing : .resolved,
            alertID: AlertIdentity.id(rule: rule, site: command.site, line: command.line, device: command.device, sensor: "", startedAtMillis: started),
            ruleIndex: -1, rule: rule, severity: .critical, site: command.site, line: command.line, device: command.device, sensor: "",
            value: .nan, startedAtMillis: started, endedAtMillis: firing ? nil : atMillis, atMillis: atMillis,
            labels: ["source": "edge", "escalates": command.rule],
            annotations: [
                "summary": "stop command to \(command.device) not confirmed after \(command.attempts) sends (no \"\(String(decoding: command.confirmPayload, as: UTF8.self))\" on \(String(decoding: command.confirmTopic, as: UTF8.self)) within \(command.withinMillis) ms of each)",
                "command_topic": command.topic, "alert_id": command.alertID, "detail": why,
            ],
            actions: command.receivers.map { .webhook(receiver: $0) })
    }
}
