public import ArgumentParser
import BuildInfo

/// The `haetae-sim` command line: run by its own executable and by the multi-call `haetae` of the
/// container image.
public struct HaetaeSim: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "haetae-sim",
        abstract: "Haetae device simulator: realistic factory load with injected hazards and the ground truth.",
        version: HaetaeVersion.current,
        subcommands: [RunCommand.self, ScenarioCommand.self])

    public init() {}

    /// Runs the command line: the executables' entry point. Called from top-level code,
    /// `main()` would resolve to ArgumentParser's synchronous overload, which refuses an async
    /// command; from this async function the async one is taken.
    public static func start() async {
        await main()
    }
}

/// A failure printed as one clear line, exit code 1.
struct SimFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
