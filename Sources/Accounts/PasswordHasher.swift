import HummingbirdBcrypt

/// Passwords: the policy a new one must meet, bcrypt hashing (hummingbird-auth's), and checking.
///
/// bcrypt is slow on purpose (cost 12: about a quarter of a second of one core here): callers run
/// it off the request threads and bound how many run at once (``LoginGate``).
public enum PasswordHasher {
    /// bcrypt's work factor for new hashes (2^12 rounds).
    public static let defaultCost: UInt8 = 12
    /// bcrypt reads at most 72 bytes; longer passwords are refused rather than cut silently.
    public static let maxBytes = 72
    public static let minCharacters = 12

    /// Why `password` may not be set, or nil: 12 characters at least, 72 bytes at most, no control characters.
    public static func problem(with password: String) -> String? {
        if password.count < minCharacters { return "a password has at least \(minCharacters) characters" }
        if password.utf8.count > maxBytes { return "a password has at most \(maxBytes) bytes (bcrypt reads no more)" }
        if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "a password has no control characters"
        }
        return nil
    }

    /// A new bcrypt hash of `password` (a fresh random salt each time).
    public static func hash(_ password: String, cost: UInt8 = defaultCost) -> String {
        Bcrypt.hash(password, cost: min(max(cost, 4), 31))
    }

    /// Whether `password` matches `hash`. False, without running bcrypt, for what could never
    /// have been set (too long, a NUL, which C would cut the password at) or a malformed hash.
    public static func verify(_ password: String, hash: String) -> Bool {
        guard password.utf8.count <= maxBytes, !password.utf8.contains(0), UserAccount.isBcryptHash(hash) else { return false }
        return Bcrypt.verify(password, hash: hash)
    }

    /// A hash no password is known for, checked against when the name is unknown, so that an
    /// unknown name takes as long as a wrong password and the answer does not tell which.
    public static let decoyHash: String = hash(String((0..<32).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement()! }))

    /// A random password for a generated account (`user add --generate`, the demo's admin):
    /// 20 characters from an alphabet without look-alikes (about 114 bits).
    public static func generate() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
