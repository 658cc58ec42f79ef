import Logging
import MQTT
import ServiceLifecycle

/// Runs the ingest pipeline as a service: the MQTT loop thread and the spool writer thread.
///
/// On graceful shutdown (SIGTERM/SIGINT) it stops taking messages, hands off what the receive
/// thread holds, and returns only after the writer has committed everything accepted.
final class IngestService: Service, @unchecked Sendable {  // immutable refs; each is used by the one thread it is handed to
    private let client: MQTTClient
    private let handler: IngestHandler
    private let writer: SpoolWriter
    private let queue: HandoffQueue
    private let logger: Logger
    /// Longest sleep of the MQTT loop between idle ticks: hand-offs and rule timers run there.
    private let pollInterval: Duration

    init(client: MQTTClient, handler: IngestHandler, writer: SpoolWriter, queue: HandoffQueue, pollInterval: Duration = .milliseconds(10), logger: Logger) {
        self.pollInterval = pollInterval
        self.client = client
        self.handler = handler
        self.writer = writer
        self.queue = queue
        self.logger = logger
    }

    func run() async throws {
        let client = self.client
        let handler = self.handler
        let queue = self.queue
        let pollInterval = self.pollInterval
        let writer = self.writer
        async let writing: Void = DedicatedThread.run(name: "haetae-spool") { writer.run() }
        // Cancellation too (another service failed, e.g. the ops port is taken): stop and drain.
        await withTaskCancellationOrGracefulShutdownHandler(operation: {
            await DedicatedThread.run(name: "haetae-mqtt") {
                client.run(handler: handler, pollInterval: pollInterval)
                handler.flush()
                queue.close()
            }
        }, onCancelOrGracefulShutdown: {
            client.requestStop()
            queue.startDraining()
        })
        logger.info("MQTT stopped; committing what was accepted")
        await writing
    }
}
