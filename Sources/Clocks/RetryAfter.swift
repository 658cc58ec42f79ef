/// The `Retry-After` header as a wait (RFC 9110 §10.2.3): one parser for every client that
/// honours it (the forwarder's lanes, the webhook dispatcher).
public enum RetryAfter {
    /// The longest wait honoured: a receiver (or anything on the path) asking for more gets this.
    public static let maximum = Duration.seconds(3_600)

    /// `Retry-After: <seconds>` as a duration, capped at ``maximum``; nil for an HTTP date,
    /// a negative number or anything else.
    public static func parse(_ value: String) -> Duration? {
        let text = value.utf8.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
        guard !text.isEmpty, text.count <= 40, text.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        // Digits only: a value too long for Int64 is simply more than the maximum.
        guard let seconds = Int64(String(decoding: text, as: UTF8.self)) else { return maximum }
        return min(.seconds(seconds), maximum)
    }
}
