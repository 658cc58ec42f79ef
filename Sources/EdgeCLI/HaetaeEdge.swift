public import ArgumentParser
import Edge
import BuildInfo

/// The `haetae-edge` command line: run by its own executable and by the multi-call `haetae` of the
/// container image.
public struct HaetaeEdge: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "haetae-edge",
        abstract: "Haetae edge gateway: MQTT sensor ingest into a durable spool, hazard rules, alerts and webhooks.",
        version: HaetaeVersion.current,
        subcommands: [Run.self, ConfigCommand.self, RulesCommand.self, SpoolCommand.self])

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
    @Option(name: .shortAndLong, help: "Path to the edge config file (YAML). Every key can be overridden by HAETAE_… environment variables.")
    var config: String = "edge.yaml"

    func load() throws -> EdgeConfiguration {
        do {
            return try EdgeConfiguration.load(path: config)
        } catch {
            throw ValidationFailure(message: "config error: \(error)")
        }
    }
}

/// A failure printed as one clear line, exit code 1.
struct ValidationFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
