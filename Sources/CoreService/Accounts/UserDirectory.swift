public import Accounts
import Foundation
public import Logging
import Synchronization

/// The accounts of `auth.users_file`, read again when the file changes (`haetae-core user …`
/// while the core runs takes effect at the next login or request, no restart).
///
/// Looks at the file (one `stat`) at most once a second. A file that became unreadable or
/// invalid keeps the accounts last read, and says so in the log once per change.
public final class UserDirectory: Sendable {
    public let path: String
    private let logger: Logger
    private struct State {
        var accounts: [String: UserAccount]
        var stamp: FileStamp?
        var checkedAt: ContinuousClock.Instant
    }
    private let state: Mutex<State>

    /// What tells a changed file: inode, size and modification time.
    private struct FileStamp: Equatable {
        var inode: UInt64
        var size: Int64
        var modified: Double
    }

    /// Reads the file; throws when it cannot be used (the core does not start on a bad users file).
    public init(path: String, logger: Logger) throws(UserFileError) {
        self.path = path
        self.logger = logger
        let stamp = Self.stamp(path)
        let file = try UserFile.load(path: path)
        state = Mutex(State(accounts: Self.index(file), stamp: stamp, checkedAt: .now))
    }

    /// How many accounts the file holds.
    public var count: Int { state.withLock { $0.accounts.count } }

    /// The account `name`, as the file says now.
    public func account(named name: String) -> UserAccount? {
        refreshIfChanged()
        return state.withLock { $0.accounts[name] }
    }

    /// Every account, sorted by name.
    public func all() -> [UserAccount] {
        refreshIfChanged()
        return state.withLock { $0.accounts.values.sorted { $0.name < $1.name } }
    }

    private func refreshIfChanged() {
        let now = ContinuousClock.now
        let due = state.withLock { state -> Bool in
            guard now - state.checkedAt >= .seconds(1) else { return false }
            state.checkedAt = now
            return true
        }
        guard due else { return }
        let stamp = Self.stamp(path)
        guard stamp != state.withLock({ $0.stamp }) else { return }
        do {
            let file = try UserFile.load(path: path)
            let accounts = Self.index(file)
            state.withLock {
                $0.accounts = accounts
                $0.stamp = stamp
            }
            logger.info("users file read again", metadata: ["path": "\(path)", "accounts": "\(accounts.count)"])
        } catch {
            state.withLock { $0.stamp = stamp }
            logger.error("users file changed but cannot be used; the accounts read before stay", metadata: ["error": "\(error)"])
        }
    }

    private static func index(_ file: UserFile) -> [String: UserAccount] {
        Dictionary(file.accounts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private static func stamp(_ path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStamp(
            inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modified: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) * 1e-9)
    }
}
