import AccessControl
import Clocks
import Exposition
import Foundation
import Hummingbird
import Logging
import Readings
import Webhooks
import Prometheus

/// The operations HTTP surface on `http.listen`: `/healthz`, `/readyz`, `/metrics` for anyone
/// (probes, Prometheus); `/api/v1/rules`, `/api/v1/commands`, `/api/v1/alerts` and
/// `/api/v1/suppressions` for loopback or
/// the API token (``OpsAPIAccess``); with `http.page`, the site page at `/` and its data (``SiteRoutes``).
enum OpsServer {
    /// Builds the Hummingbird application (a `Service`; run it in the edge's service group).
    static func application(
        host: String, port: Int, idleTimeout: Duration = .seconds(60), maxConnections: Int = 256, apiToken: String? = nil,
        health: EdgeHealth, registry: PrometheusCollectorRegistry,
        rules: RulesController?, alerts: AlertService, suppressions: SuppressionBook? = nil,
        sitePage: SiteRoutes? = nil, pageNetworks: [NetworkRange] = [], pageHost: String? = nil, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: OpsRequestContext.self)
        router.add(middleware: OpsAPIAccess(token: apiToken, pageNetworks: pageNetworks, pageHost: pageHost))
        sitePage?.add(to: router)
        router.get("/api/v1/rules") { _, _ in
            let status = rules?.status ?? RulesStatus(path: nil, loadedAt: nil, rules: [], reloads: 0, failedReloads: 0, lastError: nil)
            return Self.json(status)
        }
        router.get("/api/v1/commands") { request, _ in
            // Every publish attempt of a rule's MQTT action (stop commands), newest first.
            let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 100, 1), 1_000)
            let body = AlertCodec.encodeCommandList(alerts.recentCommands(limit: limit))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.get("/api/v1/alerts") { request, _ in
            // Firing alerts by default; `?status=all` lists the newest notifications of any kind.
            // `order=severity` puts critical first (the site page's active list).
            let status = request.uri.queryParameters.get("status") ?? "firing"
            let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 100, 1), 1_000)
            let bySeverity = request.uri.queryParameters.get("order") == "severity"
            var notices: [AlertNotice]
            switch status {
            case "firing": notices = alerts.firingBodies().compactMap { try? AlertCodec.decodeNotice($0) }
            case "all": notices = alerts.recentBodies(limit: limit).compactMap { try? AlertCodec.decodeNotice($0) }
            default:
                return Response(
                    status: .badRequest, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"code":"bad_request","message":"status must be firing or all"}}"#)))
            }
            if bySeverity {
                func rank(_ severity: String) -> Int { ["critical": 0, "warning": 1][severity] ?? 2 }
                notices.sort { (rank($0.alert.severity), -$0.atMillis) < (rank($1.alert.severity), -$1.atMillis) }
            }
            // Every firing alert unless a limit is asked.
            if status == "firing", request.uri.queryParameters.get("limit") != nil, notices.count > limit {
                notices.removeLast(notices.count - limit)
            }
            // Each body is a webhook notification; the list holds their `data` objects.
            var out = ByteBuffer(string: #"{"alerts":"#)
            out.writeBytes(AlertCodec.list(notices.map(AlertCodec.encodeData)))
            out.writeString("}")
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: out))
        }
        router.get("/api/v1/suppressions") { _, _ in
            // What this edge does not notify, as it last learned from the core (shelves that
            // ended are left out).
            let current = (suppressions?.current ?? AlarmSuppressions(site: "")).current(nowMillis: WallClock.millis())
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: AlarmSuppressionsCodec.encode(current))))
        }
        router.get("/healthz") { _, _ in
            // Alive: the process answers (always 200: restarting the pod would not free a disk).
            // A failing spool is named as "degraded"; readiness (MQTT, spool) is /readyz.
            let snapshot = health.snapshot
            let body = snapshot.spoolWritable ? "ok\n" : "degraded\n- spool not writable: \(snapshot.spoolDetail)\n"
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("/readyz") { _, _ in
            let snapshot = health.snapshot
            let role = snapshot.ownershipRole.map { "role: \($0)\n" } ?? ""
            let body = (snapshot.isReady ? "ready\n" : "not ready\n" + snapshot.problems.map { "- \($0)\n" }.joined()) + role
            return Response(
                status: snapshot.isReady ? .ok : .serviceUnavailable,
                headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let exposition = MetricsExposition(program: "haetae-edge", help: MetricHelp(EdgeMetrics.help).merging(MetricHelp(WebhookMetricHelp.texts)))
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: exposition.render(registry: registry.emitToBuffer()))))
        }
        return Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .milliseconds(idleTimeout.milliseconds))),
            configuration: .init(
                address: .hostname(host, port: port), serverName: "haetae-edge",
                availableConnectionsDelegate: .maximum(maxConnections, logger: logger)),
            onServerRunning: { channel in
                await onListening(channel.localAddress?.port ?? port)
            },
            logger: logger)
    }

    static func json(_ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
