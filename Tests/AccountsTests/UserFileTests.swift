import Accounts
import Foundation
import Testing

@Suite("Users file: parsing, errors with file and line, rewriting")
struct UserFileTests {
    static let hash = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"

    @Test("accounts, comments and blank lines are read, and written back as they were")
    func roundTrip() throws {
        let text = "# plant accounts\nana:admin:\(Self.hash)\n\nminsu:operator:\(Self.hash)\n# night shift\njun:viewer:\(Self.hash)\n"
        let file = try UserFile(parsing: text, path: "users.txt")
        #expect(file.accounts.map(\.name) == ["ana", "minsu", "jun"])
        #expect(file.accounts.map(\.role) == [.admin, .operator, .viewer])
        #expect(file.rendered() == text)
    }

    @Test("set replaces an account where it stands, adds a new one at the end; remove takes one out")
    func edits() throws {
        var file = try UserFile(parsing: "# c\nana:admin:\(Self.hash)\nminsu:viewer:\(Self.hash)\n", path: "u")
        file.set(UserAccount(name: "ana", role: .viewer, passwordHash: Self.hash))
        file.set(UserAccount(name: "jun", role: .operator, passwordHash: Self.hash))
        #expect(file.accounts.map(\.name) == ["ana", "minsu", "jun"])
        #expect(file.account(named: "ana")?.role == .viewer)
        let removed = file.remove(named: "minsu")
        let removedNobody = file.remove(named: "nobody")
        #expect(removed && !removedNobody)
        #expect(file.rendered() == "# c\nana:viewer:\(Self.hash)\njun:operator:\(Self.hash)\n")
    }

    @Test("a bad line names the file, the line and what is wrong", arguments: [
        ("ana:admin", "users.txt:1: expected name:role:bcrypt-hash"),
        ("ana:boss:\(hash)", "users.txt:1: unknown role \"boss\" for ana (viewer, operator or admin)"),
        ("ana:admin:plaintext", "users.txt:1: the password of ana is not a bcrypt hash"),
        ("# ok\nana:admin:\(hash)\nana:viewer:\(hash)", "users.txt:3: ana is already on line 2"),
        ("-ana:admin:\(hash)", "users.txt:1: an account name uses letters"),
        ("\(String(repeating: "a", count: 65)):admin:\(hash)", "users.txt:1: an account name has 1 to 64 characters"),
    ])
    func badLines(text: String, expected: String) {
        #expect(throws: UserFileError.self) { try UserFile(parsing: text, path: "users.txt") }
        do {
            _ = try UserFile(parsing: text, path: "users.txt")
        } catch {
            #expect("\(error)".hasPrefix(expected), "\(error)")
        }
    }

    @Test("bcrypt hashes are told from other text: prefix, cost, length and alphabet")
    func bcryptShape() {
        #expect(UserAccount.isBcryptHash(Self.hash))
        #expect(UserAccount.isBcryptHash(Self.hash.replacingOccurrences(of: "$2b$", with: "$2y$")))
        #expect(!UserAccount.isBcryptHash(Self.hash.replacingOccurrences(of: "$12$", with: "$03$")))
        #expect(!UserAccount.isBcryptHash(String(Self.hash.dropLast())))
        #expect(!UserAccount.isBcryptHash(String(Self.hash.dropLast()) + ":"))
        #expect(!UserAccount.isBcryptHash("$1$abc"))
    }

    @Test("written atomically, readable by its owner only, and read back the same")
    func writesOwnerOnly() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("haetae-users-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var file = UserFile()
        file.set(UserAccount(name: "ana", role: .admin, passwordHash: Self.hash))
        let path = directory + "/users.txt"
        try file.write(to: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try UserFile.load(path: path) == file)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["users.txt"], "no temporary file left")
        #expect(throws: UserFileError.self) { try UserFile.load(path: directory + "/missing.txt") }
    }

    @Test("roles include the ones below them")
    func roles() {
        #expect(Role.admin.allows(.operator) && Role.admin.allows(.viewer))
        #expect(Role.operator.allows(.viewer) && !Role.operator.allows(.admin))
        #expect(!Role.viewer.allows(.operator))
    }
}
