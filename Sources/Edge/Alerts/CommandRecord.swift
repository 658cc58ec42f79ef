/// One attempt to publish a rule's MQTT action (a stop command), as `alerts.db` keeps it and
/// `GET /api/v1/commands` lists it: which alert, where, what, and how it went.
struct CommandRecord: Sendable, Equatable, Codable {
    var alertID: String
    var rule: String
    var topic: String
    var payload: String
    var qos: Int
    /// 1 for the first publish, then each retry.
    var attempt: Int
    var atMillis: Int64
    /// `sent`, `failed, retried while the alert fires: …`, or `refused: …` (never published).
    var result: String

    enum CodingKeys: String, CodingKey {
        case rule, topic, payload, qos, attempt, result
        case alertID = "alert_id"
        case atMillis = "at"
    }
}
