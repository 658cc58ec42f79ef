import Readings

/// The body of `POST /api/v1/alerts` (``Readings/AlertCodec``): `{"alerts":[…],"commands":[…],"edge":…}`,
/// one object per notification (the webhook body's `data` plus `at`, its time) and one per
/// stop-command record. The core drops repeats of both.
enum AlertsPayload {
    struct Encoded: Sendable {
        var json: [UInt8]
        /// Notification rows in the post.
        var included: [Int64]
        /// Command rows in the post.
        var commands: [Int64]
        /// Notification rows that are not notifications: they can never be sent, so the caller
        /// marks and logs them.
        var unreadable: [Int64]

        /// Items the post carries.
        var count: Int { included.count + commands.count }
    }

    /// Encodes stored webhook bodies and command records; a body that is not a notification is
    /// left out and returned in `unreadable`.
    static func encode(
        edge: String, bodies: [(id: Int64, body: [UInt8])], commands: [AlertForwardLog.CommandRow] = []
    ) -> Encoded {
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
        let post = AlertPost(edge: edge, notices: notices, commands: commands.map(\.command))
        return Encoded(json: AlertCodec.encode(post), included: included, commands: commands.map(\.id), unreadable: unreadable)
    }
}
