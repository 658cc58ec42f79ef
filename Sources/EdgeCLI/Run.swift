import ArgumentParser
import Edge
import Logging

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the gateway until SIGTERM or SIGINT (then drain and exit 0).")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load()
        LogSetup.bootstrap(configuration.log)
        let logger = Logger(label: "haetae.edge")
        do {
            try await EdgeRuntime.run(configuration: configuration, logger: logger) { port in
                logger.info("operations HTTP listening", metadata: [
                    "url": "http://\(configuration.http.host.contains(":") ? "[\(configuration.http.host)]" : configuration.http.host):\(port)",
                ])
            }
        } catch {
            logger.critical("haetae-edge stopped: \(error)")
            throw ExitCode.failure
        }
    }
}
