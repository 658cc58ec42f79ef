/// Why a message was rejected as a whole. The raw value is the metrics label.
public enum RejectReason: String, CaseIterable, Sendable {
    case badJSON = "bad_json"
    case notNumeric = "not_numeric"
    case nonFinite = "non_finite"
    case topicShape = "topic_shape"
    case tooLarge = "too_large"
    case badTimestamp = "bad_timestamp"
    case seriesLimit = "series_limit"
    case badName = "bad_name"
    case deviceSeriesLimit = "device_series_limit"
    case seriesRate = "series_rate"

    /// One line for logs and the operations page.
    public var explanation: String {
        switch self {
        case .badJSON: "payload is not valid JSON (or nests deeper than 16 levels)"
        case .notNumeric: "no numeric value where a reading was expected"
        case .nonFinite: "value is NaN or infinite"
        case .topicShape: "topic does not match the configured topic template"
        case .tooLarge: "payload is larger than the configured maximum"
        case .badTimestamp: "ts is not epoch milliseconds or RFC 3339 between 1970 and 9999"
        case .seriesLimit: "message would create more series than the configured maximum"
        case .deviceSeriesLimit: "message would give its device more series than ingest.max_series_per_device"
        case .seriesRate: "new series are arriving faster than ingest.max_new_series_per_second"
        case .badName: "a new series' name is longer than 128 bytes or holds control characters (a sensor name also / + #)"
        }
    }
}

/// The result of decoding one MQTT message.
public enum DecodeOutcome: Equatable, Sendable {
    /// The message was accepted whole; this many readings were appended.
    case accepted(Int)
    /// The message was rejected whole; nothing was appended.
    case rejected(RejectReason)
}
