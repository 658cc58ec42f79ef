import Readings
import Rules

/// The edge's notifications in the one alert form (``Readings/AlertCodec``): webhook bodies, what
/// `alerts.db` keeps, what the alert lane posts to the core and what `/api/v1/alerts` lists.
enum AlertNotification {
    /// The notification of a rule engine transition, sent by `edge`.
    static func notice(_ alert: EdgeAlert, edge: String) -> AlertNotice {
        let event = alert.event
        return AlertNotice(kind: kind(event.kind), atMillis: event.atMillis, alert: Alert(
            id: event.alertID, rule: event.rule, severity: event.severity.rawValue, site: event.site, line: event.line,
            device: event.device, sensor: event.sensor, value: event.value, startedAtMillis: event.startedAtMillis,
            endedAtMillis: event.endedAtMillis, labels: event.labels, annotations: event.annotations, edge: edge,
            readingTs: alert.readingTs, seq: alert.seq))
    }

    /// The webhook body of a transition.
    static func body(_ alert: EdgeAlert, edge: String) -> [UInt8] {
        AlertCodec.encode(notice(alert, edge: edge))
    }

    /// The Standard Webhooks `webhook-id`: one per notification, the same on every retry.
    static func webhookID(_ event: AlertEvent) -> String {
        AlertNotice.webhookID(alertID: event.alertID, kind: kind(event.kind), atMillis: event.atMillis)
    }

    static func kind(_ kind: AlertEvent.Kind) -> AlertKind {
        switch kind {
        case .firing: .firing
        case .repeat: .repeat
        case .resolved: .resolved
        }
    }
}
