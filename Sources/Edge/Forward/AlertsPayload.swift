import Readings

/// The body of `POST /api/v1/alerts` (``Readings/AlertCodec``): `{"alerts":[…],"edge":…}`, one
/// object per notification, the webhook body's `data` plus `at`, its time. The core drops repeats
/// by (alert_id, notification, at).
enum AlertsPayload {
    /// Encodes stored webhook bodies; a body that is not a notification is left out and returned
    /// in `unreadable` (it can never be sent, so the caller marks it and logs it).
    static func encode(edge: String, bodies: [(id: Int64, body: [UInt8])]) -> (json: [UInt8], included: [Int64], unreadable: [Int64]) {
        var notices: [AlertNotice] = []
        var included: [Int64] = []
        var unreadable: [Int64] = []
        for row in bodies {
            guard let notice = try? AlertCodec.decodeNotice(row.body) else {
                unreadable.append(row.id)
                continue
            }
            notices.append(notice)
            included.append(row.id)
        }
        return (AlertCodec.encode(AlertPost(edge: edge, notices: notices)), included, unreadable)
    }
}
