import ArgumentParser
import Edge
import Foundation
import ConfigFile
import Rules

/// `haetae-edge rules check|replay`.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check a rule file, or replay recorded readings through it.",
        subcommands: [Check.self, Replay.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a rule file; errors as FILE:LINE:COLUMN: message (exit 1).")

        @Argument(help: "The rule file (YAML).") var file: String
        @Option(name: .shortAndLong, help: "An edge config: also check that every webhook receiver the rules name is configured.")
        var config: String?

        func run() throws {
            let rules = try loadRules(file, config: config)
            print("\(file): \(rules.rules.count) rule\(rules.rules.count == 1 ? "" : "s") OK")
        }
    }

    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the alert transitions a rule file would produce for recorded readings (event time from the readings).")

        @Argument(help: "The rule file (YAML).") var file: String
        @Option(help: "Readings as NDJSON, as `haetae-edge spool dump` writes them (- for stdin).") var input: String
        @Option(help: "After the last reading, run timers this much further (absent, for, repeat).") var tail: String = "60s"

        func run() throws {
            let rules = try loadRules(file, config: nil)
            guard let tailDuration = ConfigUnits.duration(tail) else {
                throw ValidationFailure(message: "--tail \(tail): use e.g. 60s, 5m")
            }
            let bytes: [UInt8]
            if input == "-" {
                bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
            } else {
                guard let data = FileManager.default.contents(atPath: input) else {
                    throw ValidationFailure(message: "--input \(input): cannot read the file")
                }
                bytes = Array(data)
            }
            var transitions = 0
            let readings: Int
            do {
                readings = try RuleReplay.run(rules: rules, input: bytes, inputName: input, tail: tailDuration) { transition in
                    transitions += 1
                    print(RuleReplay.format(transition))
                }
            } catch {
                throw ValidationFailure(message: "\(error)")
            }
            FileHandle.standardError.write(Data("\(readings) readings, \(transitions) transitions\n".utf8))
        }
    }
}

/// Loads a rule file, printing every error as FILE:LINE:COLUMN: message (one per line, exit 1).
private func loadRules(_ file: String, config: String?) throws -> RuleSet {
    var receivers: Set<String>?
    if let config {
        do {
            receivers = Set(try EdgeConfiguration.load(path: config).webhooks.map(\.name))
        } catch {
            throw ValidationFailure(message: "config error: \(error)")
        }
    }
    do {
        return try RulesLoader.load(path: file, receivers: receivers)
    } catch {
        // Bare lines on stderr, so editors and CI problem matchers can read every one of them
        // (a thrown error would get ArgumentParser's "Error: " in front of the first).
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCode.failure
    }
}
