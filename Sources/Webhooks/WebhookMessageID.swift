/// Makes `webhook-id` values: `msg_` followed by 26 Crockford base32 characters, a ULID
/// (48-bit millisecond time, then 80 random bits), so ids sort by creation time in logs and tables.
public enum WebhookMessageID {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// A new id for a message created at `createdAtMillis` (unix milliseconds).
    public static func make(createdAtMillis: Int64) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(createdAtMillis: createdAtMillis, using: &generator)
    }

    /// A new id drawing its random part from `generator` (tests pass a seeded one).
    public static func make(createdAtMillis: Int64, using generator: inout some RandomNumberGenerator) -> String {
        // 128 bits: time in the top 48, randomness below.
        let time = UInt64(truncatingIfNeeded: max(createdAtMillis, 0)) & 0xFFFF_FFFF_FFFF
        let high = (time << 16) | UInt64.random(in: 0...0xFFFF, using: &generator)
        let low = UInt64.random(in: .min ... .max, using: &generator)
        var characters: [UInt8] = []
        characters.reserveCapacity(26)
        // 26 characters × 5 bits = 130 bits; the first character carries the top 3 bits.
        for position in (0..<26).reversed() {
            let shift = position * 5
            let value: UInt64
            if shift >= 64 {
                value = high >> (shift - 64)
            } else if shift > 59 {
                value = (low >> shift) | (high << (64 - shift))
            } else {
                value = low >> shift
            }
            characters.append(alphabet[Int(value & 0x1F)])
        }
        return "msg_" + String(decoding: characters, as: UTF8.self)
    }
}
