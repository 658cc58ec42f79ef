/// Matches what the edge sent back against the injected hazards (pure; the I/O that collects
/// alerts and commands lives in the CLI).
///
/// A hazard is detected when an alert of its rule fired for its device (same site and line)
/// from its start until `grace` after its end, or was still firing when it started (a hazard
/// that follows another on the same device before its alert cleared). An alert is matched when
/// some hazard explains it (fired within such a window); the others are false alerts. Duplicate
/// deliveries (one `webhook-id` twice) count once.
public enum AlertMatcher {
    /// - Parameters:
    ///   - latency: turns a list of microsecond latencies into percentiles (HdrHistogram in the CLI).
    public static func verify(
        hazards: [AlertVerification.Hazard], alerts: [AlertVerification.Alert], commands: [AlertVerification.Command],
        badSignatures: Int, graceMillis: Int64, publishedAtMicros: (AlertVerification.Alert) -> Int64? = { _ in nil },
        publishingEndedMillis: Int64? = nil, latency: ([Int64]) -> AlertVerification.Latency?
    ) -> AlertVerification {
        // When the alert should have been raised: the publish of the reading that raised it, else
        // that reading's own ts, else (raised by a timer: `for` or `absent` running out) when it fell due.
        func reference(_ alert: AlertVerification.Alert) -> (micros: Int64, source: String) {
            if let published = publishedAtMicros(alert) { return (published, "reading") }
            if let ts = alert.readingTsMillis { return (ts * 1_000, "reading_ts") }
            return (alert.startedAtMillis * 1_000, "timer")
        }
        var seen = Set<String>()
        let delivered = alerts.filter { seen.insert($0.webhookID).inserted }
        // The edge's alerts about itself answer no hazard: reported apart.
        let system = delivered.filter { $0.rule.hasPrefix("edge:") }
        let unique = delivered.filter { !$0.rule.hasPrefix("edge:") }
        // The first firing notification of each alert.
        var firing: [String: AlertVerification.Alert] = [:]
        var resolved: [String: Int64] = [:]
        var resolutions: [String: Int] = [:]
        for alert in unique {
            switch alert.notification {
            case "firing": if firing[alert.alertID] == nil { firing[alert.alertID] = alert }
            case "resolved":
                resolved[alert.alertID] = alert.endedAtMillis ?? alert.receivedAtMicros / 1_000
                resolutions[alert.alertID, default: 0] += 1
            default: break
            }
        }
        // Alerts that started after the devices stopped (a second later or more) answer the end
        // of the run, not a hazard: set apart.
        let all = firing.values.sorted { $0.startedAtMillis < $1.startedAtMillis }
        let fired = all.filter { alert in publishingEndedMillis.map { alert.startedAtMillis <= $0 + 1_000 } ?? true }

        func explains(_ hazard: AlertVerification.Hazard, _ alert: AlertVerification.Alert) -> Bool {
            hazard.rule == alert.rule && hazard.device == alert.device && hazard.site == alert.site && hazard.line == alert.line
                && alert.startedAtMillis >= hazard.startMillis - 1_000 && alert.startedAtMillis <= hazard.endMillis + graceMillis
        }
        func covers(_ hazard: AlertVerification.Hazard, _ alert: AlertVerification.Alert) -> Bool {
            hazard.rule == alert.rule && hazard.device == alert.device && hazard.site == alert.site && hazard.line == alert.line
                && alert.startedAtMillis < hazard.startMillis && (resolved[alert.alertID] ?? .max) >= hazard.startMillis
        }
        var missed: [AlertVerification.Hazard] = []
        for hazard in hazards where !fired.contains(where: { explains(hazard, $0) || covers(hazard, $0) }) { missed.append(hazard) }
        var falseAlerts: [AlertVerification.FalseAlert] = []
        for alert in fired where !hazards.contains(where: { explains($0, alert) }) {
            falseAlerts.append(.init(
                rule: alert.rule,
                where_: "\(alert.site)/\(alert.line)/\(alert.device)" + (alert.sensor.isEmpty ? "" : "/\(alert.sensor)"),
                startedAtMillis: alert.startedAtMillis))
        }

        // Raised by a reading: timed from its publish. Raised by a timer: from when it fell due.
        let webhookLatencies = fired.filter { reference($0).source != "timer" }.map { $0.receivedAtMicros - reference($0).micros }
        let timerLatencies = fired.filter { reference($0).source == "timer" }.map { $0.receivedAtMicros - reference($0).micros }
        let firedList = fired.map { alert in
            AlertVerification.Fired(
                rule: alert.rule,
                where_: "\(alert.site)/\(alert.line)/\(alert.device)" + (alert.sensor.isEmpty ? "" : "/\(alert.sensor)"),
                startedAtMillis: alert.startedAtMillis, timedFrom: reference(alert).source,
                webhookMillis: Double((alert.receivedAtMicros - reference(alert).micros) / 10) / 100,
                toEdgeMillis: reference(alert).source == "reading"
                    ? Double((alert.startedAtMillis &* 1_000 &- reference(alert).micros) / 10) / 100 : nil,
                hazard: hazards.contains { explains($0, alert) })
        }
        // A stop command is timed from the reading behind the firing alert it answers: the
        // latest one for its device (and rule, when the command names it) raised before it arrived.
        var commandLatencies: [Int64] = []
        for command in commands {
            let candidates = fired.filter {
                $0.site == command.site && $0.line == command.line && $0.device == command.device
                    && (command.rule == nil || command.rule == $0.rule) && reference($0).micros <= command.receivedAtMicros
            }
            if let alert = candidates.max(by: { reference($0).micros < reference($1).micros }) {
                commandLatencies.append(command.receivedAtMicros - reference(alert).micros)
            }
        }
        let detected = hazards.count - missed.count
        var verification = AlertVerification(
            hazards: hazards.count, detected: detected, missed: missed, firingAlerts: fired.count,
            resolvedAlerts: resolved.count, matchedAlerts: fired.count - falseAlerts.count, falseAlerts: falseAlerts,
            recall: hazards.isEmpty ? 1 : Double(detected) / Double(hazards.count),
            precision: fired.isEmpty ? 1 : Double(fired.count - falseAlerts.count) / Double(fired.count),
            fired: firedList, webhooksReceived: delivered.count, badSignatures: badSignatures, stopCommands: commands.count,
            webhookLatency: latency(webhookLatencies), timerWebhookLatency: latency(timerLatencies),
            stopCommandLatency: latency(commandLatencies))
        verification.afterRun = all.count - fired.count
        // Per rule and place, in start order: an alert starting before the previous one resolved.
        let places = Dictionary(grouping: all) { "\($0.rule)|\($0.site)/\($0.line)/\($0.device)/\($0.sensor)" }
        for group in places.values where group.count > 1 {
            var openUntil: Int64 = .min
            for alert in group {
                if alert.startedAtMillis < openUntil {
                    verification.repeatedAlerts.append(.init(
                        rule: alert.rule,
                        where_: "\(alert.site)/\(alert.line)/\(alert.device)" + (alert.sensor.isEmpty ? "" : "/\(alert.sensor)"),
                        startedAtMillis: alert.startedAtMillis))
                }
                openUntil = max(openUntil, resolved[alert.alertID] ?? .max)
            }
        }
        verification.repeatedAlerts.sort { $0.startedAtMillis < $1.startedAtMillis }
        verification.resolvedTwice = resolutions.filter { $0.value > 1 }.map(\.key).sorted()
        verification.systemAlerts = system.map { "\($0.rule) \($0.notification)" }
        return verification
    }
}
