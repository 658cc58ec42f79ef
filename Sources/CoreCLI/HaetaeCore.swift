public import ArgumentParser
import CoreService
import BuildInfo

/// The `haetae-core` command line: run by its own executable and by the multi-call `haetae` of the
/// container image.
public struct HaetaeCore: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "haetae-core",
        abstract: "Haetae core: stores the edges' batches exactly once, answers queries, serves the factory dashboard.",
        version: HaetaeVersion.current,
        subcommands: [Run.self, ConfigCheck.self, UserCommand.self])

    public init() {}

    /// Runs the command line: the executables' entry point. Called from top-level code,
    /// `main()` would resolve to ArgumentParser's synchronous overload, which refuses an async
    /// command; from this async function the async one is taken.
    public static func start() async {
        await main()
    }
}

/// `--config` shared by every subcommand.
struct ConfigOption: ParsableArguments {
    @Option(name: .shortAndLong, help: "Path to the core config file (YAML). Every key can be overridden by HAETAE_… environment variables.")
    var config: String = "core.yaml"

    func load() throws -> CoreConfiguration {
        do {
            return try CoreConfiguration.load(path: config)
        } catch {
            throw Failure(message: "config error: \(error)")
        }
    }
}

/// A failure printed as one clear line, exit code 1.
struct Failure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

struct ConfigCheck: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Validate the config file (`config check`).")
    @Argument(help: "check") var action: String = "check"
    @OptionGroup var options: ConfigOption

    func run() throws {
        guard action == "check" else { throw Failure(message: "unknown action \(action): use `haetae-core config check`") }
        let configuration = try options.load()
        let accounts = configuration.auth.usersFile.map { ", page accounts in \($0)" } ?? ", no page accounts (the page is open to this machine only)"
        print("config ok: \(options.config) (listen \(configuration.http.host):\(configuration.http.port), storage \(configuration.storage.backend.rawValue), \(configuration.auth.edgeTokens.edges.count) edge tokens\(accounts))")
    }
}
