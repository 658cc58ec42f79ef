import Foundation

/// The users file: one account per line, `name:role:bcrypt-hash`, with `#` comments and blank
/// lines, which are kept when `haetae-core user …` rewrites it.
///
/// ```
/// # Haetae page accounts (haetae-core user add|passwd|remove|list)
/// ana:admin:$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW
/// minsu:operator:$2b$12$…
/// ```
///
/// Pure value: parsing and rendering do no I/O; ``load(path:)`` and ``write(to:)`` are the thin shell.
public struct UserFile: Sendable, Equatable {
    /// A line of the file as read: an account, or text kept as it was (comment, blank line).
    public enum Line: Sendable, Equatable {
        case account(UserAccount)
        case other(String)
    }

    public private(set) var lines: [Line]

    /// Most accounts a file may hold, and its largest size: a bound on what the core reads.
    public static let maxAccounts = 10_000
    public static let maxBytes = 2 << 20

    public init() {
        lines = [.other("# Haetae page accounts: name:role:bcrypt-hash (manage with haetae-core user add|passwd|remove|list)")]
    }

    /// Parses the text of a users file; `path` names it in errors.
    public init(parsing text: String, path: String) throws(UserFileError) {
        guard text.utf8.count <= Self.maxBytes else {
            throw UserFileError(path: path, line: nil, reason: "larger than \(Self.maxBytes) bytes")
        }
        var lines: [Line] = []
        var seen: [String: Int] = [:]
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") {
                lines.append(.other(line))
                continue
            }
            let fields = trimmed.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3 else {
                throw UserFileError(path: path, line: number, reason: "expected name:role:bcrypt-hash")
            }
            let (name, roleText, hash) = (fields[0], fields[1], fields[2])
            if let problem = UserAccount.nameProblem(name) {
                throw UserFileError(path: path, line: number, reason: "\(problem) (got \"\(name.prefix(80))\")")
            }
            guard let role = Role(rawValue: roleText) else {
                throw UserFileError(path: path, line: number, reason: "unknown role \"\(roleText.prefix(40))\" for \(name) (\(Role.choices))")
            }
            guard UserAccount.isBcryptHash(hash) else {
                throw UserFileError(path: path, line: number, reason: "the password of \(name) is not a bcrypt hash (set it with haetae-core user passwd \(name))")
            }
            if let first = seen[name] {
                throw UserFileError(path: path, line: number, reason: "\(name) is already on line \(first)")
            }
            seen[name] = number
            guard seen.count <= Self.maxAccounts else {
                throw UserFileError(path: path, line: number, reason: "more than \(Self.maxAccounts) accounts")
            }
            lines.append(.account(UserAccount(name: name, role: role, passwordHash: hash)))
        }
        // A final newline leaves one empty piece: it is not a line of the file.
        if case .other("")? = lines.last, text.hasSuffix("\n") || text.isEmpty { lines.removeLast() }
        self.lines = lines
    }

    /// The accounts, in file order.
    public var accounts: [UserAccount] {
        lines.compactMap { if case .account(let account) = $0 { account } else { nil } }
    }

    public func account(named name: String) -> UserAccount? {
        accounts.first { $0.name == name }
    }

    /// Adds `account`, or replaces the account of the same name where it stands.
    public mutating func set(_ account: UserAccount) {
        if let index = lines.firstIndex(where: { if case .account(let existing) = $0 { existing.name == account.name } else { false } }) {
            lines[index] = .account(account)
        } else {
            lines.append(.account(account))
        }
    }

    /// Removes the account `name`; false when there is none.
    @discardableResult
    public mutating func remove(named name: String) -> Bool {
        let before = lines.count
        lines.removeAll { if case .account(let existing) = $0 { existing.name == name } else { false } }
        return lines.count != before
    }

    /// The file's text, one line each, ending with a newline.
    public func rendered() -> String {
        lines.map { line in
            switch line {
            case .account(let account): "\(account.name):\(account.role.rawValue):\(account.passwordHash)"
            case .other(let text): text
            }
        }.joined(separator: "\n") + "\n"
    }

    /// Reads and parses the file at `path`.
    public static func load(path: String) throws(UserFileError) -> UserFile {
        let text: String
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let size = attributes[.size] as? Int, size > maxBytes {
                throw UserFileError(path: path, line: nil, reason: "larger than \(maxBytes) bytes")
            }
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch let error as UserFileError {
            throw error
        } catch {
            throw UserFileError(path: path, line: nil, reason: "cannot read it (\(error.localizedDescription))")
        }
        return try UserFile(parsing: text, path: path)
    }

    /// Writes the file atomically (a temporary file renamed over it), readable by its owner only:
    /// a process reading it meanwhile sees the old or the new file, never half of one.
    public func write(to path: String) throws(UserFileError) {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let created = FileManager.default.createFile(
            atPath: temporary, contents: Data(rendered().utf8), attributes: [.posixPermissions: 0o600])
        guard created else { throw UserFileError(path: path, line: nil, reason: "cannot write \(temporary)") }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw UserFileError(path: path, line: nil, reason: "cannot replace it: \(reason)")
        }
    }
}

/// A users file that cannot be read or used: names the file and, where it can, the line.
public struct UserFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var reason: String

    public init(path: String, line: Int?, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    public var description: String {
        "\(path)\(line.map { ":\($0)" } ?? ""): \(reason)"
    }
}
