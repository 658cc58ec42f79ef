import ArgumentParser
import Edge

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Work with the config file.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the config (file and HAETAE_ overrides) without starting; exit 1 with file:line: key: reason.")

        @OptionGroup var options: ConfigOption

        func run() throws {
            let configuration = try options.load()
            print("config ok: \(configuration.sourcePath) (edge \(configuration.edge.id), site \(configuration.edge.site), broker \(configuration.mqtt.host):\(configuration.mqtt.port), spool \(configuration.spool.path), forward \(configuration.forward.map { $0.urls.joined(separator: " ") } ?? "off"))")
        }
    }
}
