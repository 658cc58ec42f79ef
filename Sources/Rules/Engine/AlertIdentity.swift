/// Derives the stable alert id sent with notifications (the webhook's `alert_id`).
public enum AlertIdentity {
    /// 16 hex digits of FNV-1a (64-bit) over the rule name, site, line, device, sensor and start
    /// time, each field prefixed by its length so no field content can shift into another.
    /// Deterministic across processes and restarts, so a receiver can deduplicate retries and
    /// a resolved notification carries the same id as its firing one.
    public static func id(rule: String, site: String, line: String, device: String, sensor: String, startedAtMillis: Int64) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        func mix(_ text: String) {
            let bytes = text.utf8
            var length = UInt64(bytes.count)
            repeat {
                mix(UInt8(length & 0x7f) | (length > 0x7f ? 0x80 : 0))
                length >>= 7
            } while length > 0
            for byte in bytes { mix(byte) }
        }
        for field in [rule, site, line, device, sensor] { mix(field) }
        var time = UInt64(bitPattern: startedAtMillis)
        for _ in 0..<8 {
            mix(UInt8(time & 0xff))
            time >>= 8
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
