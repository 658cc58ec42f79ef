import ArgumentParser
import SimulatorCore

struct ScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario", abstract: "Check a scenario file or print a built-in one.",
        subcommands: [Check.self, Show.self, Identities.self])

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

    struct Identities: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the broker identities a scenario's devices publish as (identity,role,subtree CSV for Deploy/security/make-identities).")
        @Argument(help: "A built-in scenario or a scenario YAML file.") var scenario: String
        @Option(help: "One identity per device or per line (a line gateway).") var per: String = "line"
        @Option(help: "Only the devices of this site.") var site: String?

        func run() throws {
            guard let role = BrokerIdentities.Role(rawValue: per), role == .device || role == .line else {
                throw SimFailure(message: "--per \(per): use device or line")
            }
            do {
                let plan = ScenarioPlan(scenario: try Scenario.resolve(scenario))
                let devices = plan.devices.filter { site == nil || $0.site == site }
                guard !devices.isEmpty else {
                    throw SimFailure(message: "scenario \(scenario) has no devices\(site.map { " at site \($0)" } ?? "")")
                }
                print(try BrokerIdentities.forDevices(devices, per: role).csv, terminator: "")
            } catch let error as SimFailure {
                throw error
            } catch {
                throw SimFailure(message: "\(error)")
            }
        }
    }
}
