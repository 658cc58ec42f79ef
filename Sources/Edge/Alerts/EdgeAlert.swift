import Readings
import Rules
import Webhooks

/// One alert transition from the rule engine, with what the edge knows of the reading that
/// caused it (its own `ts` and the device `seq`), so consumers can measure latency from the
/// device and match the alert to what was sent. Built on the MQTT thread, handled by ``AlertService``.
struct EdgeAlert: Sendable {
    var event: AlertEvent
    /// The causing reading's timestamp (from its payload, or when it was received); nil for a timer transition.
    var readingTs: Int64?
    /// The causing reading's device `seq`, when it carried one.
    var seq: Int64?
    /// `.low` for an alert of a series first seen moments before (``AlertFloodGate/isNewcomer(_:)``):
    /// its webhooks go after the others' and leave a receiver's last slot to them.
    var priority: WebhookPriority = .normal
    /// Why it is not notified (its alarm is shelved, or its place out of service): recorded and
    /// forwarded to the core, but no webhook; nil for an ordinary alert.
    var silenced: AlarmSuppressions.Reason?
}
