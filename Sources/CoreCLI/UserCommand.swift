import Accounts
import ArgumentParser
import CoreService
import Foundation

/// `haetae-core user add|passwd|role|remove|list`: manages the page's users file
/// (`auth.users_file`). A running core reads the file again within a second; a new password, a
/// new role or a removed account ends that person's sessions.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage the page's accounts (the users file of auth.users_file).",
        subcommands: [Add.self, Passwd.self, SetRole.self, Remove.self, List.self])

    /// Where the users file is: `--file`, or `auth.users_file` of `--config`.
    struct FileOptions: ParsableArguments {
        @Option(name: .long, help: "The users file (default: auth.users_file of --config).")
        var file: String?
        @Option(name: .shortAndLong, help: "The core config file whose auth.users_file is meant.")
        var config: String = "core.yaml"

        func path() throws -> String {
            if let file { return file }
            do {
                guard let path = try CoreConfiguration.usersFilePath(configPath: config) else {
                    throw Failure(message: "\(config): auth.users_file is not set; name the file with --file or set auth.users_file")
                }
                return path
            } catch let failure as Failure {
                throw failure
            } catch {
                throw Failure(message: "config error: \(error)")
            }
        }
    }

    /// How the new password arrives.
    struct PasswordOptions: ParsableArguments {
        @Flag(name: .long, help: "Read the password from the first line of standard input.")
        var passwordStdin = false
        @Flag(name: .long, help: "Generate a password and print it once.")
        var generate = false
        @Option(name: .long, help: "bcrypt cost (log2 rounds, 10 to 16).")
        var cost: UInt8 = PasswordHasher.defaultCost

        /// The password, and whether it was generated (and must be printed).
        func password() throws -> (String, generated: Bool) {
            guard (10...16).contains(cost) else { throw Failure(message: "--cost \(cost): use 10 to 16") }
            if generate { return (PasswordHasher.generate(), true) }
            let password: String
            if passwordStdin {
                guard let line = readLine(strippingNewline: true) else { throw Failure(message: "--password-stdin: standard input is empty") }
                password = line
            } else {
                guard isatty(STDIN_FILENO) == 1 else {
                    throw Failure(message: "no terminal to ask for the password: use --password-stdin or --generate")
                }
                let first = try Self.ask("New password: ")
                guard try Self.ask("Again: ") == first else { throw Failure(message: "the two passwords differ; nothing changed") }
                password = first
            }
            if let problem = PasswordHasher.problem(with: password) { throw Failure(message: "\(problem); nothing changed") }
            return (password, false)
        }

        /// Asks on the terminal without echoing what is typed.
        static func ask(_ prompt: String) throws -> String {
            FileHandle.standardError.write(Data(prompt.utf8))
            var saved = termios()
            tcgetattr(STDIN_FILENO, &saved)
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSANOW, &silent)
            defer {
                tcsetattr(STDIN_FILENO, TCSANOW, &saved)
                FileHandle.standardError.write(Data("\n".utf8))
            }
            guard let line = readLine(strippingNewline: true) else { throw Failure(message: "no password given") }
            return line
        }
    }

    static func load(_ path: String, creating: Bool = false) throws -> UserFile {
        if creating && !FileManager.default.fileExists(atPath: path) { return UserFile() }
        do { return try UserFile.load(path: path) } catch { throw Failure(message: "\(error)") }
    }

    static func save(_ file: UserFile, to path: String) throws {
        do { try file.write(to: path) } catch { throw Failure(message: "\(error)") }
    }

    static func validName(_ name: String) throws {
        if let problem = UserAccount.nameProblem(name) { throw Failure(message: "\(name.prefix(80)): \(problem)") }
    }

    static func role(_ text: String) throws -> Role {
        guard let role = Role(rawValue: text) else { throw Failure(message: "--role \(text.prefix(40)): use \(Role.choices)") }
        return role
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an account (creates the file if needed).")
        @Argument(help: "The account name.") var name: String
        @Option(name: .long, help: "viewer, operator or admin.") var role: String
        @OptionGroup var file: FileOptions
        @OptionGroup var password: PasswordOptions

        func run() throws {
            try UserCommand.validName(name)
            let role = try UserCommand.role(role)
            let path = try file.path()
            var users = try UserCommand.load(path, creating: true)
            guard users.account(named: name) == nil else { throw Failure(message: "\(path): \(name) exists already (haetae-core user passwd \(name) sets a new password)") }
            let (secret, generated) = try password.password()
            users.set(UserAccount(name: name, role: role, passwordHash: PasswordHasher.hash(secret, cost: password.cost)))
            try UserCommand.save(users, to: path)
            print("added \(name) (\(role.rawValue)) to \(path)")
            if generated { print("password for \(name) (shown once): \(secret)") }
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "passwd", abstract: "Set a new password (ends the account's sessions).")
        @Argument(help: "The account name.") var name: String
        @OptionGroup var file: FileOptions
        @OptionGroup var password: PasswordOptions

        func run() throws {
            let path = try file.path()
            var users = try UserCommand.load(path)
            guard var account = users.account(named: name) else { throw Failure(message: "\(path): no account \(name.prefix(80))") }
            let (secret, generated) = try password.password()
            account.passwordHash = PasswordHasher.hash(secret, cost: password.cost)
            users.set(account)
            try UserCommand.save(users, to: path)
            print("new password for \(name) in \(path); its sessions end")
            if generated { print("password for \(name) (shown once): \(secret)") }
        }
    }

    struct SetRole: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "role", abstract: "Change an account's role (ends its sessions).")
        @Argument(help: "The account name.") var name: String
        @Argument(help: "viewer, operator or admin.") var role: String
        @OptionGroup var file: FileOptions

        func run() throws {
            let role = try UserCommand.role(role)
            let path = try file.path()
            var users = try UserCommand.load(path)
            guard var account = users.account(named: name) else { throw Failure(message: "\(path): no account \(name.prefix(80))") }
            account.role = role
            users.set(account)
            try UserCommand.save(users, to: path)
            print("\(name) is now \(role.rawValue) in \(path); its sessions end")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an account (ends its sessions).")
        @Argument(help: "The account name.") var name: String
        @OptionGroup var file: FileOptions

        func run() throws {
            let path = try file.path()
            var users = try UserCommand.load(path)
            guard users.remove(named: name) else { throw Failure(message: "\(path): no account \(name.prefix(80))") }
            if !users.accounts.contains(where: { $0.role == .admin }) {
                FileHandle.standardError.write(Data("note: \(path) has no admin left\n".utf8))
            }
            try UserCommand.save(users, to: path)
            print("removed \(name) from \(path)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts and their roles (never a password).")
        @OptionGroup var file: FileOptions

        func run() throws {
            let path = try file.path()
            let users = try UserCommand.load(path)
            for account in users.accounts { print("\(account.name)\t\(account.role.rawValue)") }
            if users.accounts.isEmpty { print("no accounts in \(path)") }
        }
    }
}
