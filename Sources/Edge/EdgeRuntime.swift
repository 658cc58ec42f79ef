public import Logging
import MQTT
import Metrics
import Prometheus
import Readings
import ServiceLifecycle
import Spool

/// Builds and runs the whole edge gateway from its configuration.
public enum EdgeRuntime {
    /// Runs until SIGTERM or SIGINT; returns after everything accepted is committed.
    ///
    /// - Parameter onListening: called with the operations HTTP port once it listens.
    public static func run(
        configuration: EdgeConfiguration, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = EdgeMetrics(factory: PrometheusMetricsFactory(registry: registry))
        let health = EdgeHealth()

        let spool = try Spool(configuration: configuration.spool, logger: logger)
        let template = try TopicTemplate(configuration.topicTemplate, defaultSite: configuration.edge.site)
        let decoder = PayloadDecoder(
            template: template, maxPayloadBytes: configuration.ingest.maxPayloadBytes,
            maxSeries: configuration.ingest.maxSeries)
        // A hand-off holds at most this many readings; a few of them may wait for the writer.
        let handoffReadings = max(1_024, min(configuration.spool.batchMaxReadings * 2, 16_384))
        let queue = HandoffQueue(capacity: 8, bufferCapacity: handoffReadings + 256)
        let handler = IngestHandler(
            decoder: decoder, queue: queue, health: health, metrics: metrics,
            commitInterval: configuration.ingest.commitInterval, handoffReadings: handoffReadings)
        let writer = SpoolWriter(
            spool: spool, queue: queue, metrics: metrics, health: health, logger: logger,
            commitInterval: configuration.ingest.commitInterval)
        let client = try MQTTClient(configuration: configuration.mqtt, logger: logger)

        let ingest = IngestService(client: client, handler: handler, writer: writer, queue: queue, logger: logger)
        let http = OpsServer.application(
            host: configuration.http.host, port: configuration.http.port, health: health, registry: registry,
            logger: logger, onListening: onListening)

        logger.info("haetae-edge starting", metadata: [
            "edge": "\(configuration.edge.id)", "site": "\(configuration.edge.site)",
            "broker": "\(configuration.mqtt.host):\(configuration.mqtt.port)",
            "topics": "\(configuration.mqtt.subscriptions.joined(separator: ","))",
            "spool": "\(configuration.spool.path)",
        ])
        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: http),
                .init(service: ingest, successTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}
