import Accounts
import Testing

@Suite("Passwords: policy, bcrypt hashing and checking")
struct PasswordHasherTests {
    @Test("a hash checks its password and no other; each hash has its own salt")
    func hashAndVerify() {
        let hash = PasswordHasher.hash("correct horse battery", cost: 4)
        #expect(UserAccount.isBcryptHash(hash))
        #expect(PasswordHasher.verify("correct horse battery", hash: hash))
        #expect(!PasswordHasher.verify("correct horse batterx", hash: hash))
        #expect(!PasswordHasher.verify("", hash: hash))
        #expect(PasswordHasher.hash("correct horse battery", cost: 4) != hash)
    }

    @Test("what could never have been set is refused without bcrypt: over 72 bytes, a NUL, a malformed hash")
    func refusesTheImpossible() {
        let long = String(repeating: "x", count: 72)
        let hash = PasswordHasher.hash(long, cost: 4)
        #expect(PasswordHasher.verify(long, hash: hash))
        // bcrypt would read only the first 72 bytes and accept this one too.
        #expect(!PasswordHasher.verify(long + "y", hash: hash))
        #expect(!PasswordHasher.verify("abc\u{0}def", hash: PasswordHasher.hash("abc", cost: 4)))
        #expect(!PasswordHasher.verify("anything", hash: "not a hash"))
        #expect(!PasswordHasher.verify("anything", hash: PasswordHasher.decoyHash))
    }

    @Test("the policy: 12 characters at least, 72 bytes at most, no control characters")
    func policy() {
        #expect(PasswordHasher.problem(with: "short") != nil)
        #expect(PasswordHasher.problem(with: "twelve chars") == nil)
        #expect(PasswordHasher.problem(with: String(repeating: "가", count: 25)) != nil, "75 bytes in UTF-8")
        #expect(PasswordHasher.problem(with: "tab\tinside password") != nil)
        #expect(PasswordHasher.problem(with: PasswordHasher.generate()) == nil)
        #expect(PasswordHasher.generate() != PasswordHasher.generate())
    }
}
