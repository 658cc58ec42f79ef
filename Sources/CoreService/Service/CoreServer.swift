import Clocks
import Exposition
public import CoreStorage
import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
public import Prometheus

/// The core's HTTP surface on `http.listen` (HTTPS with `http.tls`): the API (DESIGN §3.5), `/healthz`, `/readyz`, `/metrics`.
public enum CoreServer {
    /// Builds the Hummingbird application (a `Service` for the core's service group).
    public static func application(
        configuration: CoreConfiguration, store: any ReadingStore, metrics: CoreMetrics, registry: PrometheusCollectorRegistry,
        fleet: EdgeFleet, devices: DeviceRegistry, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let router = Router(context: CoreRequestContext.self)
        let secure = configuration.http.tls != nil
        router.add(middleware: SecurityHeadersMiddleware(secure: secure))
        router.add(middleware: JSONErrorMiddleware())
        var authorizer = Authorizer(edgeTokens: configuration.auth.edgeTokens, readToken: configuration.auth.readToken)
        authorizer.requiresClientCertificate = configuration.http.tls?.clientCAFile != nil
        if let usersFile = configuration.auth.usersFile {
            authorizer.accounts = PageAccounts(
                directory: try UserDirectory(path: usersFile, logger: logger), secure: secure,
                idle: configuration.auth.sessionIdle, lifetime: configuration.auth.sessionLifetime, logger: logger)
        }
        IngestRoutes(
            store: store, authorizer: authorizer, limits: configuration.http, metrics: metrics, fleet: fleet, devices: devices, logger: logger
        ).add(to: router)
        FleetRoutes(fleet: fleet, authorizer: authorizer).add(to: router)
        DeviceRoutes(devices: devices, authorizer: authorizer).add(to: router)
        QueryRoutes(store: store, authorizer: authorizer).add(to: router)
        AlarmRoutes(store: store, authorizer: authorizer).add(to: router)
        PageRoutes(authorizer: authorizer).add(to: router)
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/readyz") { _, _ in
            // Ready when the store answers, within 2 s (a PostgreSQL pool still connecting would
            // otherwise hold the probe).
            do {
                let statistics = try await withThrowingTaskGroup(of: StoreStatistics?.self) { group in
                    group.addTask { try await store.statistics() }
                    group.addTask { try await Task.sleep(for: .seconds(2)); return nil }
                    defer { group.cancelAll() }
                    guard let first = try await group.next(), let statistics = first else {
                        throw ReadingStoreError(.closed, "the store did not answer within 2 s")
                    }
                    return statistics
                }
                metrics.storedReadings.record(statistics.readings)
                metrics.storedSeries.record(statistics.series)
                metrics.storedBatches.record(statistics.batches)
                metrics.storeBytes.record(statistics.bytes)
                metrics.headReadings.record(statistics.headReadings)
                return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ready\n")))
            } catch {
                return Response(
                    status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: "not ready\n- storage: \(error)\n")))
            }
        }
        let kpiRefresh = IntervalGate(every: .seconds(15))
        let exposition = MetricsExposition(program: "haetae-core", help: MetricHelp(CoreMetrics.help))
        router.get("/metrics") { _, _ in
            if let statistics = try? await store.statistics() {
                metrics.storedReadings.record(statistics.readings)
                metrics.storedSeries.record(statistics.series)
                metrics.storedBatches.record(statistics.batches)
                metrics.storeBytes.record(statistics.bytes)
                metrics.headReadings.record(statistics.headReadings)
            }
            metrics.record(devices, nowMillis: WallClock.millis())
            // The KPIs read a day of alert starts: at most every 15 s, whatever the scrape rate.
            if kpiRefresh.claim(nowMillis: WallClock.millis()),
               let kpis = try? await AlarmRoutes.kpis(store: store, site: nil, windowMillis: 86_400_000, nowMillis: WallClock.millis()) {
                metrics.record(kpis)
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: exposition.render(registry: registry.emitToBuffer()))))
        }
        let http1 = HTTPServerBuilder.http1(configuration: .init(idleTimeout: .milliseconds(configuration.http.idleTimeout.milliseconds)))
        let server = try configuration.http.tls.map { try HTTPServerBuilder.tls(http1, tlsConfiguration: CoreTLS.serverConfiguration($0)) } ?? http1
        return Application(
            router: router,
            server: server,
            configuration: .init(
                address: .hostname(configuration.http.host, port: configuration.http.port), serverName: "haetae-core",
                availableConnectionsDelegate: .maximum(configuration.http.maxConnections, logger: logger)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.http.port) },
            logger: logger)
    }
}
