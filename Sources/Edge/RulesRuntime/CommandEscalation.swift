import Rules

/// The alarm raised when stop commands to a device are not confirmed after every retry
/// (``CommandLoop``): critical, about the device, to the receivers of the alert that sent the
/// command. **One per device**, however many rules' commands to it went unanswered: it fires with
/// the first escalated command and resolves when the last of them ends (its reply still comes,
/// or its alert resolves), or (from its record) when the edge restarts, since waits are not kept
/// across a restart. Pure: the rule stage sends the events it returns.
struct CommandEscalation {
    /// Its rule name (`edge:` rules are the edge's own: never in a rule file).
    static let rule = "edge:stop-unconfirmed"

    private struct Device: Hashable {
        var site: String
        var line: String
        var device: String
    }

    private struct Open {
        var startedAtMillis: Int64
        /// The escalated commands (by alert id and topic) still open.
        var commands: Set<[String]>
    }

    private var open: [Device: Open] = [:]

    /// Devices with an open escalation alarm.
    var count: Int { open.count }

    /// `command` was escalated. - Returns: the firing event when it is the device's first.
    mutating func escalated(_ command: CommandLoop.Waiting, atMillis: Int64) -> AlertEvent? {
        let device = Device(site: command.site, line: command.line, device: command.device)
        if open[device] != nil {
            open[device]?.commands.insert([command.alertID, command.topic])
            return nil
        }
        open[device] = Open(startedAtMillis: atMillis, commands: [[command.alertID, command.topic]])
        return Self.event(command, firing: true, startedAtMillis: atMillis, atMillis: atMillis, why: "no reply")
    }

    /// An escalated command ended (confirmed late, or its alert resolved). - Returns: the
    /// resolved event when it was the device's last.
    mutating func ended(_ command: CommandLoop.Waiting, atMillis: Int64, why: String) -> AlertEvent? {
        let device = Device(site: command.site, line: command.line, device: command.device)
        guard var entry = open[device], entry.commands.remove([command.alertID, command.topic]) != nil else { return nil }
        if !entry.commands.isEmpty {
            open[device] = entry
            return nil
        }
        open[device] = nil
        return Self.event(command, firing: false, startedAtMillis: entry.startedAtMillis, atMillis: atMillis, why: why)
    }

    /// This edge took the site over: escalations of its own from before are the other edge's now.
    mutating func forgetAll() {
        open.removeAll()
    }

    static func event(_ command: CommandLoop.Waiting, firing: Bool, startedAtMillis started: Int64, atMillis: Int64, why: String) -> AlertEvent {
        AlertEvent(
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
