import ArgumentParser
import CoreService
import Logging
import LogFormat

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the core until SIGTERM or SIGINT.")
    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load()
        let level = Logger.Level(rawValue: configuration.log.level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = configuration.log.format == "json" ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "haetae.core")
        logger.logLevel = level
        do {
            try await CoreRuntime.run(configuration: configuration, logger: logger)
        } catch {
            logger.critical("haetae-core stopped", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
    }
}
