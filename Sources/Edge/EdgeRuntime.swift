import BuildInfo
import Foundation
public import Logging
import MQTT
import Metrics
import Prometheus
import Readings
import Rules
import ServiceLifecycle
import Spool
import Webhooks

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
        var factory = PrometheusMetricsFactory(registry: registry)
        // Rule evaluation takes microseconds: the default buckets start at 5 ms.
        factory.durationHistogramBuckets["haetae_rule_evaluation_seconds"] = [1, 2, 5, 10, 25, 50, 100, 250, 1_000, 5_000].map { .microseconds($0) }
        // Sealed → acknowledged spans milliseconds (live) to hours (after an outage).
        factory.durationHistogramBuckets["haetae_forward_latency_seconds"] =
            [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3_600, 14_400].map { .milliseconds(Int64($0 * 1_000)) }
        let metrics = EdgeMetrics(factory: factory)
        metrics.spoolCapacityBytes.record(configuration.spool.maxBytes)
        // Who this edge is, as labels: alert rules join on it (a site whose pair lacks its standby).
        Gauge(
            label: "haetae_edge_info",
            dimensions: [
                ("edge", configuration.edge.id), ("site", configuration.edge.site),
                ("paired", configuration.ownership == nil ? "false" : "true"),
            ],
            factory: factory
        ).record(1)
        let health = EdgeHealth()

        let spool = try Spool(configuration: configuration.spool, logger: logger)
        let template = try TopicTemplate(configuration.topicTemplate, defaultSite: configuration.edge.site)
        let decoder = PayloadDecoder(
            template: template, maxPayloadBytes: configuration.ingest.maxPayloadBytes,
            seriesLimits: configuration.ingest.seriesLimits)
        // A hand-off holds at most this many readings; a few of them may wait for the writer.
        let handoffReadings = max(1_024, min(configuration.spool.batchMaxReadings * 2, 16_384))
        let queue = HandoffQueue(capacity: 8, bufferCapacity: handoffReadings + 256)

        // Alerts: durable state and webhook outbox in their own file, delivered by the dispatcher.
        let receivers = try configuration.webhooks.map { webhook in
            WebhookReceiver(
                name: webhook.name, url: webhook.url,
                secret: webhook.kind == .standard ? try WebhookSecret(parsing: webhook.secret) : nil,
                timeout: webhook.timeout, maxAge: webhook.maxAge,
                tls: try webhook.tls.map { files in
                    do { return try HTTPClientTLS.configuration(files) } catch {
                        throw EdgeStartError(message: "webhooks.\(webhook.name).tls: \(error)")
                    }
                },
                form: webhook.kind == .alertmanager ? AlertmanagerForm.body(fromWebhookBody:) : nil)
        }
        // The one writer of alert state: a notification, its state change and its outbox rows in
        // one FULL commit.
        let alertStore = try AlertStore(
            path: configuration.alerts.path, reserve: configuration.alerts.reserveBytes, queuesWebhooks: !receivers.isEmpty)
        let dispatcher = receivers.isEmpty ? nil : WebhookDispatcher(
            // NORMAL is durable here: the outbox rows are written by the alert store's FULL commit;
            // the dispatcher's own writes are attempt outcomes, and one lost to a power cut means
            // at most one more attempt (receivers deduplicate on the webhook id).
            outbox: try WebhookOutbox(path: configuration.alerts.path, synchronous: .normal), receivers: receivers,
            configuration: WebhookDispatcherConfiguration(
                userAgent: "haetae-edge/\(HaetaeVersion.current)", retention: configuration.alerts.historyRetention,
                warmUpURL: configuration.http.loopbackURL(path: "/healthz")),
            logger: logger, metricsFactory: factory)
        // The MQTT session: the ingest connection (also the stop commands'). One of a site's
        // pair holds it only while it owns the site; its firing alerts are left on the broker
        // for the next owner (``AlertHandover``).
        let client = try MQTTClient(configuration: configuration.mqtt, logger: logger)
        let gate = OwnershipGate(lone: configuration.ownership == nil)
        let handover = configuration.ownership.map { _ in
            AlertHandover(
                site: configuration.edge.site, edgeID: configuration.edge.id, session: client, gate: gate, metrics: metrics,
                logger: logger)
        }
        let alertRecorded = WakeSignal()
        let alerts = try AlertService(
            store: alertStore, dispatcher: dispatcher, edge: configuration.edge.id, metrics: metrics, logger: logger,
            recorded: alertRecorded, forwardsToCore: configuration.forward != nil, logRetention: configuration.alerts.historyRetention,
            site: configuration.edge.site, systemReceivers: configuration.webhooks.map(\.name), handover: handover)

        // What operators shelved or took out of service at the core, as last learned (kept
        // beside alerts.db, so a restart during a WAN cut keeps it).
        let suppressionBook = SuppressionBook(
            site: configuration.edge.site,
            path: SuppressionBook.path(besideAlerts: configuration.alerts.path),
            logger: logger)

        // Rules: evaluated on the MQTT thread, reloaded by the controller.
        var ruleStage: RuleStage?
        var rulesController: RulesController?
        if let path = configuration.rules.path {
            let receiverNames = Set(configuration.webhooks.map(\.name))
            let rules = try RulesLoader.load(path: path, receivers: receiverNames)
            let slot = RuleUpdateSlot()
            ruleStage = RuleStage(
                rules: rules, restoring: try alerts.activeAlerts(), updates: slot, alerts: alerts, metrics: metrics,
                tickInterval: configuration.rules.tickInterval, maxAlertsPerMinute: configuration.rules.maxAlertsPerMinute,
                maxSiteAlertsPerMinute: configuration.rules.maxSiteAlertsPerMinute, engineOptions: configuration.rules.engineOptions)
            rulesController = RulesController(
                path: path, initial: rules, receivers: receiverNames, watchInterval: configuration.rules.watchInterval, slot: slot,
                metrics: metrics, logger: logger)
            logger.info("rules loaded", metadata: ["path": "\(path)", "rules": "\(rules.rules.count)"])
        }

        // This edge's status as it reports it to the core (and shows it on its site page): the
        // edge's own metrics and its rule file's state.
        let statusContext = EdgeStatusSampler.Context(
            edge: configuration.edge.id, site: configuration.edge.site, version: HaetaeVersion.current,
            paired: configuration.ownership != nil,
            intervalMillis: (configuration.forward?.statusInterval ?? .seconds(5)).milliseconds,
            spoolCapacityBytes: Int64(configuration.spool.maxBytes), pageURL: configuration.http.page ? configuration.http.pageURL : nil)
        let statusSource: StatusReporter.Source = { [registry, rulesController] in
            var context = statusContext
            if let rules = rulesController?.status {
                context.rulesVersion = rules.version
                context.rulesLoadedAtMillis = rules.loadedAtMillis
                context.rulesError = rules.lastError
            }
            return (String(decoding: registry.emitToBuffer(), as: UTF8.self), context)
        }
        let ownStatus = OwnStatus(forwarding: configuration.forward != nil, source: statusSource)
        // The site page's latest values and history (`http.page`), fed by the spool writer.
        let recent = configuration.http.page ? RecentReadingsBook() : nil
        if let recent {
            // An edge restarted during a WAN cut shows what its spool holds of the last 15 minutes.
            do {
                let restored = try recent.restore(spoolPath: configuration.spool.path)
                if restored > 0 { logger.info("site page: recent readings restored from the spool", metadata: ["readings": "\(restored)"]) }
            } catch {
                logger.warning("site page: recent readings not restored from the spool; its charts start empty", metadata: ["error": "\(error)"])
            }
        }

        // Forwarding to the core: off without a `forward:` section.
        let forwarder = configuration.forward.map { settings in
            ForwardService(
                settings: settings, edgeID: configuration.edge.id, spoolPath: configuration.spool.path,
                alertsPath: configuration.alerts.path, alertWake: alertRecorded, site: configuration.edge.site,
                suppressionBook: suppressionBook, statusSource: statusSource, metrics: metrics, logger: logger, ownStatus: ownStatus)
        }

        let handler = IngestHandler(
            decoder: decoder, queue: queue, health: health, metrics: metrics,
            commitInterval: configuration.ingest.commitInterval, handoffReadings: handoffReadings,
            seriesIdle: configuration.ingest.seriesIdle, rules: ruleStage)
        let writer = SpoolWriter(
            spool: spool, queue: queue, metrics: metrics, health: health, logger: logger,
            commitInterval: configuration.ingest.commitInterval, recent: recent,
            onSealed: { [batches = forwarder?.batches] in batches?.notifySealed() },
            onStorageFault: { [alerts] failing, detail in alerts.system(.spoolStorage, firing: failing, detail: detail) })
        ruleStage?.client = client  // stop commands go out on the ingest connection, from its thread
        ruleStage?.suppressions = suppressionBook
        handler.client = client
        // One of a site's pair: the session is held until this edge wins it; alerts and stop
        // commands only while it holds the session with a lease.
        var ownership: OwnershipService?
        if let settings = configuration.ownership, let handover {
            ownership = try OwnershipService(
                configuration: settings, site: configuration.edge.site, edgeID: configuration.edge.id, session: client,
                gate: gate, handover: handover, metrics: metrics, health: health, logger: logger)
        }
        if let ownership {
            handler.ownership = ownership
            ruleStage?.gate = ownership.gate
            ruleStage?.handover = ownership.handover
        } else {
            metrics.edgeActive.record(1)
        }

        // With rules, the loop wakes at least every tick so a timer alert (`for`, `absent`) goes out on time.
        let pollInterval = ruleStage == nil ? Duration.milliseconds(10) : min(.milliseconds(10), configuration.rules.tickInterval)
        let ingest = IngestService(client: client, handler: handler, writer: writer, queue: queue, pollInterval: pollInterval, logger: logger)
        let http = OpsServer.application(
            host: configuration.http.host, port: configuration.http.port, idleTimeout: configuration.http.idleTimeout,
            maxConnections: configuration.http.maxConnections, apiToken: configuration.http.apiToken,
            health: health, registry: registry,
            rules: rulesController, alerts: alerts, suppressions: suppressionBook,
            sitePage: recent.map { SiteRoutes(site: configuration.edge.site, edge: configuration.edge.id, recent: $0, own: ownStatus) },
            pageNetworks: configuration.http.page ? configuration.http.pageNetworks : [],
            pageHost: configuration.http.pageURL.flatMap { URL(string: $0)?.host?.lowercased() }, logger: logger, onListening: onListening)

        logger.info("haetae-edge starting", metadata: [
            "edge": "\(configuration.edge.id)", "site": "\(configuration.edge.site)",
            "broker": "\(configuration.mqtt.host):\(configuration.mqtt.port)",
            "topics": "\(configuration.mqtt.subscriptions.joined(separator: ","))",
            "spool": "\(configuration.spool.path)",
            "forward": "\(configuration.forward.map { $0.urls.joined(separator: ",") } ?? "off")",
        ])
        // Shut down in reverse: ingest first (no new alerts), then rules, then the alert service
        // drains what it was given into the store and outbox, then delivery stops.
        // The forwarder stops just before the ops server: after ingest has committed its last
        // readings, while requests in flight may still be acknowledged.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: http)]
        if let forwarder { services.append(.init(service: forwarder)) }
        if let dispatcher { services.append(.init(service: WebhookDeliveryService(dispatcher: dispatcher))) }
        services.append(.init(service: alerts))
        if let rulesController { services.append(.init(service: rulesController)) }
        // Stops right after ingest: the session is closed cleanly first, then released.
        if let ownership { services.append(.init(service: ownership)) }
        services.append(.init(service: ingest, successTerminationBehavior: .gracefullyShutdownGroup))
        let group = ServiceGroup(configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}
