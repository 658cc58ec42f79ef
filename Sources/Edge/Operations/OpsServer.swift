public import Hummingbird
public import Logging
public import Prometheus

/// The operations HTTP surface on `http.listen`: `/healthz`, `/readyz`, `/metrics`.
public enum OpsServer {
    /// Builds the Hummingbird application (a `Service`; run it in the edge's service group).
    public static func application(
        host: String, port: Int, health: EdgeHealth, registry: PrometheusCollectorRegistry, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("/healthz") { _, _ in
            // Alive: the process answers. Readiness (MQTT, spool) is /readyz.
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/readyz") { _, _ in
            let snapshot = health.snapshot
            let body = snapshot.isReady ? "ready\n" : "not ready\n" + snapshot.problems.map { "- \($0)\n" }.joined()
            return Response(
                status: snapshot.isReady ? .ok : .serviceUnavailable,
                headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "haetae-edge"),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? port)
            },
            logger: logger)
    }
}
