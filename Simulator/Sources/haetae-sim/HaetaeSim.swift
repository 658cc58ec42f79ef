import ArgumentParser

@main
struct HaetaeSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "haetae-sim",
        abstract: "Haetae device simulator: realistic factory load with injected hazards and the ground truth.",
        version: "0.1.0",
        subcommands: [RunCommand.self, ScenarioCommand.self])
}

/// A failure printed as one clear line, exit code 1.
struct SimFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
