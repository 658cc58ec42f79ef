import ArgumentParser
import SimulatorCore

struct ScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario", abstract: "Check a scenario file or print a built-in one.",
        subcommands: [Check.self, Show.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a scenario file; errors as FILE:LINE: key: message, exit 1.")
        @Argument(help: "The scenario YAML file.") var file: String

        func run() throws {
            do {
                let scenario = try Scenario.load(path: file)
                let devices = scenario.sites.flatMap(\.lines).flatMap(\.devices).reduce(0) { $0 + $1.count }
                print("scenario ok: \(file) (\(scenario.name): \(scenario.sites.count) sites, \(devices) devices, \(scenario.hazards.count) hazard entries)")
            } catch {
                throw SimFailure(message: "\(error)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a built-in scenario as YAML (a starting point for your own).")
        @Argument(help: "One of the built-in scenarios.") var name: String

        func run() throws {
            guard let text = BuiltinScenarios.named(name) else {
                throw SimFailure(message: "no built-in scenario \"\(name)\" (built in: \(BuiltinScenarios.names.joined(separator: ", ")))")
            }
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
        }
    }
}
