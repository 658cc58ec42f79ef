public import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// Builds and runs the whole core from its configuration.
public enum CoreRuntime {
    /// Runs until SIGTERM or SIGINT.
    /// - Parameter onListening: called with the HTTP port once it listens.
    public static func run(
        configuration: CoreConfiguration, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["haetae_core_batch_ingest_seconds"] = [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 100_000, 1_000_000].map { .microseconds($0) }
        let metrics = CoreMetrics(factory: factory)
        let opened = try await StoreFactory.open(configuration.storage, logger: logger)
        // The edges: reports as they come, and (``FleetWatch``, once the store is open) as last heard of.
        let fleet = EdgeFleet()
        let devices = DeviceRegistry(
            maxDevices: configuration.devices.max, clockThresholdMillis: configuration.devices.clockThreshold.milliseconds)
        let http = try CoreServer.application(
            configuration: configuration, store: opened.store, metrics: metrics, registry: registry, fleet: fleet, devices: devices,
            logger: logger, onListening: onListening)
        logger.info("haetae-core starting", metadata: [
            "listen": "\(configuration.http.host):\(configuration.http.port)", "storage": "\(configuration.storage.backend.rawValue)",
            "edges": "\(configuration.auth.edgeTokens.edges.joined(separator: ","))",
        ])
        let unrestricted = configuration.auth.edgeTokens.unrestricted
        if !unrestricted.isEmpty {
            logger.warning("edge tokens without a site list may write readings and alerts of any site; give each its sites ({token: …, sites: [seoul]})",
                           metadata: ["edges": "\(unrestricted.joined(separator: ","))"])
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let runner = opened.runner { services.append(.init(service: runner)) }
        services.append(.init(service: RetentionService(store: opened.store, retention: configuration.retention, metrics: metrics, logger: logger)))
        services.append(.init(service: FleetWatch(
            fleet: fleet, configured: Set(configuration.auth.edgeTokens.edges), store: opened.store, metrics: metrics, logger: logger)))
        services.append(.init(service: DeviceRegistryKeeper(
            registry: devices, store: opened.store, logger: logger, interval: configuration.devices.keepInterval)))
        services.append(.init(service: http))
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await opened.store.close()
    }
}
