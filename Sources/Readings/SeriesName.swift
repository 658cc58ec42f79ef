/// What a series name (site, line, device, sensor, unit) may be, checked once when a series is
/// first seen: at most ``maxBytes`` bytes of UTF-8 without control characters (C0, DEL, C1). A
/// sensor name, which may come from a payload's keys and is substituted into command topics,
/// may not hold the topic characters `/`, `+` and `#` either. Names from topic levels cannot
/// hold those anyway (MQTT forbids wildcards in a published topic).
///
/// A buggy or hostile device cannot then make the edge keep 64 KiB names, or smuggle topic
/// syntax into a stop command's topic.
public enum SeriesName {
    /// Longest name accepted, in bytes.
    public static let maxBytes = 128

    /// Whether `bytes` (valid UTF-8) is an acceptable name; `topicLevel` also refuses `/ + #`.
    public static func isValid(_ bytes: UnsafeRawBufferPointer, topicLevel: Bool = false) -> Bool {
        guard bytes.count <= maxBytes else { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            if byte < 0x20 || byte == 0x7F { return false }
            // U+0080…U+009F (C1 controls) are 0xC2 0x80…0x9F in UTF-8.
            if previous == 0xC2 && byte >= 0x80 && byte <= 0x9F { return false }
            if topicLevel && (byte == UInt8(ascii: "/") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "#")) { return false }
            previous = byte
        }
        return true
    }
}
