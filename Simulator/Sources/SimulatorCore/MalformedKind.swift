/// The kinds of malformed payload, one per ingest reject reason (raw values are the edge's
/// metric labels, `RejectReason` in the `Readings` module).
public enum MalformedKind: String, CaseIterable, Sendable {
    /// A truncated JSON object.
    case badJSON = "bad_json"
    /// `"value":"hot"`.
    case notNumeric = "not_numeric"
    /// `"value":NaN`.
    case nonFinite = "non_finite"
    /// A well-formed payload on a topic two segments longer than the template.
    case topicShape = "topic_shape"
    /// A valid object padded past 64 KiB.
    case tooLarge = "too_large"
    /// `"ts":"yesterday"`.
    case badTimestamp = "bad_timestamp"
}
