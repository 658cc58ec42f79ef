/// One person who may log in to the page: a name, a role and a bcrypt hash of the password.
public struct UserAccount: Sendable, Equatable {
    public var name: String
    public var role: Role
    /// The bcrypt hash (`$2b$12$…`, 60 characters); the password itself is never stored.
    public var passwordHash: String

    public init(name: String, role: Role, passwordHash: String) {
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
    }

    /// Longest account name.
    public static let maxNameLength = 64

    /// Why `name` cannot be an account name, or nil: 1 to 64 characters, letters, digits and
    /// `.`, `_`, `-`, `@`, starting with a letter or digit (no `:`, which separates the fields).
    public static func nameProblem(_ name: String) -> String? {
        guard !name.isEmpty, name.utf8.count <= maxNameLength else {
            return "an account name has 1 to \(maxNameLength) characters"
        }
        for (index, byte) in name.utf8.enumerated() {
            let alphanumeric = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            let punctuation = byte == 0x2E || byte == 0x5F || byte == 0x2D || byte == 0x40
            if !(alphanumeric || (index > 0 && punctuation)) {
                return "an account name uses letters, digits, '.', '_', '-' and '@', starting with a letter or digit"
            }
        }
        return nil
    }

    /// Whether `hash` looks like a bcrypt hash: `$2a$`, `$2b$` or `$2y$`, a two-digit cost from
    /// 04 to 31, then 53 characters of bcrypt's base64.
    public static func isBcryptHash(_ hash: String) -> Bool {
        let bytes = Array(hash.utf8)
        guard bytes.count == 60, bytes[0] == 0x24, bytes[1] == 0x32, [0x61, 0x62, 0x79].contains(bytes[2]), bytes[3] == 0x24,
            bytes[6] == 0x24, let cost = Int(String(decoding: bytes[4...5], as: UTF8.self)), (4...31).contains(cost)
        else { return false }
        return bytes[7...].allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2E || byte == 0x2F
        }
    }
}
