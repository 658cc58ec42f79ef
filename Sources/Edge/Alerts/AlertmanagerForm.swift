import Readings

/// What an `alertmanager` receiver gets (``Readings/AlertmanagerCodec``), made from the stored
/// webhook body at each attempt; nil for a body that is not an alert notification.
enum AlertmanagerForm {
    @Sendable static func body(fromWebhookBody body: [UInt8]) -> [UInt8]? {
        (try? AlertCodec.decodeNotice(body)).map(AlertmanagerCodec.encode)
    }
}
