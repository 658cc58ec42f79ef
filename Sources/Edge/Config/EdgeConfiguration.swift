public import AccessControl
import Foundation
public import Ownership
public import ConfigFile
public import MQTT
public import Readings
public import Spool
import Webhooks
import Rules

/// Everything `haetae-edge run` needs, read from one YAML file plus `HAETAE_…` overrides.
public struct EdgeConfiguration: Sendable {
    public struct Identity: Sendable, Equatable {
        /// This gateway's id, unique across sites (e.g. `seoul-a`); names its batches.
        public var id: String
        /// The factory site it serves (e.g. `seoul`).
        public var site: String
    }

    public struct Ingest: Sendable, Equatable {
        /// Payloads larger than this are rejected as `too_large`.
        public var maxPayloadBytes: Int
        /// Distinct series the gateway accepts before rejecting new ones (`series_limit`).
        public var maxSeries: Int
        /// Series one device may have (`device_series_limit`).
        public var maxSeriesPerDevice: Int = 256
        /// New series admitted per second after the first minute (`series_rate`).
        public var maxNewSeriesPerSecond: Int = 1_000
        /// A series without a reading for this long is forgotten (it comes back as new if it
        /// reappears), so a departed device's series do not hold room for ever.
        public var seriesIdle: Duration = .seconds(86_400)
        /// After the first new series, this long without the new-series rate cap; also the age
        /// at which a device is established.
        public var seriesWarmup: Duration = .seconds(60)

        /// The decoder's limits.
        public var seriesLimits: SeriesLimits {
            SeriesLimits(maxSeries: maxSeries, maxSeriesPerDevice: maxSeriesPerDevice,
                         maxNewSeriesPerSecond: maxNewSeriesPerSecond, warmupMillis: seriesWarmup.milliseconds)
        }
        /// How often accepted readings are group-committed to the spool.
        public var commitInterval: Duration
    }

    public struct HTTP: Sendable, Equatable {
        public var host: String
        public var port: Int
        /// A connection with no traffic for this long is closed (a client that connects and says
        /// nothing cannot hold a file descriptor for ever).
        public var idleTimeout: Duration = .seconds(60)
        /// Open connections to the ops port at most (more wait in the listen backlog).
        public var maxConnections: Int = 256
        /// The token (`http.api_token_file`) that lets other machines read `/api/v1/…` (alerts,
        /// rules, commands) with `Authorization: Bearer`; without one those answer loopback only.
        /// `/metrics`, `/healthz` and `/readyz` stay open for probes and Prometheus.
        public var apiToken: String?
        /// `http.page`: serve the site page at `/` (this site's latest values, recent history,
        /// alerts and this edge's status, from the edge's own data: it works while the WAN is cut).
        public var page = true
        /// `http.page_url`: where operators open the site page (`http://10.20.0.5:9100/`); reported
        /// to the core, whose page links to it. Requests from other machines must then name its
        /// host (or an IP address) in `Host`.
        public var pageURL: String?
        /// `http.page_networks`: networks (`10.20.0.0/16`) whose machines may read the site page's
        /// data without a token (read-only; loopback always may).
        public var pageNetworks: [NetworkRange] = []

        /// `path` on this port as the process itself reaches it: over loopback when it listens on
        /// every address (`0.0.0.0`, `::`).
        public func loopbackURL(path: String) -> String {
            let reachable = switch host {
            case "0.0.0.0", "": "127.0.0.1"
            case "::": "::1"
            default: host
            }
            return "http://\(reachable.contains(":") ? "[\(reachable)]" : reachable):\(port)\(path)"
        }
    }

    public enum LogFormat: String, Sendable, CaseIterable {
        case text, json
    }

    public enum LogLevel: String, Sendable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    public struct Log: Sendable, Equatable {
        public var level: LogLevel
        public var format: LogFormat
    }

    /// The hazard rules (`rules:`).
    public struct RulesSettings: Sendable, Equatable {
        /// The rule file; `nil` runs without rules.
        public var path: String?
        /// How often the file is checked for changes (hot reload; SIGHUP reloads at once).
        public var watchInterval: Duration
        /// How often timers run: `for` promotions, `absent`, `repeat`.
        public var tickInterval: Duration
        /// Firing notifications one rule may send per minute before they are aggregated into
        /// one flood alert (0: no limit).
        public var maxAlertsPerMinute: Int = 60
        /// `rules.max_site_alerts_per_minute`: the site's flood limit over every rule (0: off).
        public var maxSiteAlertsPerMinute: Int = 200
        /// `rules.chatter_starts` within `rules.chatter_window`: an alarm starting that often is
        /// chattering and damped (``RuleEngine/Options/chatterStarts``; 0: off).
        public var chatterStarts: Int = 3
        public var chatterWindow: Duration = .seconds(60)

        /// The engine's options from these settings.
        var engineOptions: RuleEngine.Options {
            RuleEngine.Options(chatterStarts: chatterStarts, chatterWindowMillis: chatterWindow.milliseconds)
        }
    }

    /// The alert store (`alerts:`): active alerts, the alert log for the core, the webhook outbox.
    public struct AlertSettings: Sendable, Equatable {
        /// SQLite file, next to the spool by default but apart from it, so a full spool never
        /// holds an alert back.
        public var path: String
        /// Delivered and dead webhook messages are kept this long for inspection.
        public var historyRetention: Duration
        /// Space kept allocated inside `alerts.db` and its WAL (about twice this on disk), so
        /// alerts are still recorded and sent when the disk they share with the spool is full.
        public var reserveBytes: Int = 4 << 20
    }

    /// One named webhook receiver (`webhooks.NAME:`).
    public struct WebhookSettings: Sendable, Equatable {
        /// `type:` what the receiver is.
        public enum Kind: String, Sendable, Equatable, CaseIterable {
            /// A Standard Webhooks consumer: the alert body, signed with its secret.
            case standard
            /// A Prometheus Alertmanager (`POST /api/v2/alerts`, unsigned; its own routing,
            /// grouping, silences and inhibition).
            case alertmanager
        }

        public var name: String
        public var url: String
        public var kind: Kind = .standard
        /// The `whsec_…` secret (from `secret_file` or the variable named by `secret_env`); never
        /// logged. Empty for an Alertmanager receiver, which takes unsigned requests.
        public var secret: String
        public var timeout: Duration
        /// Undelivered messages older than this are dead-lettered as expired.
        public var maxAge: Duration
        /// `tls:` for an https:// receiver behind a private CA (its `ca_file`, and a client
        /// certificate if the receiver asks for one).
        public var tls: ClientTLSFiles?
    }

    /// Forwarding to the core (`forward:`); absent: the edge only spools (nothing is sent).
    public struct ForwardSettings: Sendable, Equatable {
        /// Core base URLs in order of preference (`http://core:8080`); the edge fails over to
        /// the next on a connection failure or 5xx and stays with the one that works.
        public var urls: [String]
        /// The bearer token (from `token_file` or the variable named by `token_env`); never logged.
        public var token: String
        /// Batches in flight at once.
        public var inFlight: Int
        /// Per request.
        public var timeout: Duration
        /// Readings per second while catching up; 0 = no cap.
        public var maxRate: Int
        /// Capped exponential backoff with full jitter after failures.
        public var backoffInitial: Duration
        public var backoffMax: Duration
        /// `forward.tls`: the CA that signs the core (for `https://` URLs) and this edge's
        /// client certificate when the core asks for mutual TLS.
        public var tls: ClientTLSFiles?
        /// How often the edge asks the core what it must not notify (shelved alarms, parts out
        /// of service): `forward.suppressions_interval`.
        public var suppressionsInterval: Duration = .seconds(5)
        /// How often the edge reports its status to the core (its fleet view; missed reports
        /// turn the edge stale, then down): `forward.status_interval`.
        public var statusInterval: Duration = .seconds(5)
    }

    public var edge: Identity
    public var mqtt: MQTTConfiguration
    public var topicTemplate: String
    public var ingest: Ingest
    public var spool: SpoolConfiguration
    public var http: HTTP
    public var log: Log
    public var rules: RulesSettings
    public var alerts: AlertSettings
    public var webhooks: [WebhookSettings]
    public var forward: ForwardSettings?
    /// `ownership:`: this edge is one of a site's active/standby pair; nil for a lone edge.
    public var ownership: OwnershipConfiguration?
    /// The file it was read from, for messages.
    public var sourcePath: String
}

extension EdgeConfiguration {
    /// Reads and validates a config file; every problem names the file, line and key.
    public static func load(path: String, environment: [String: String]? = nil) throws(ConfigError) -> EdgeConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(source: .file(path: path, line: nil), key: "", reason: "cannot read the file (\(Self.reason(error)))")
        }
        return try parse(text, path: path, environment: environment ?? ProcessInfo.processInfo.environment)
    }

    /// Parses config text (used by `load` and by tests).
    public static func parse(_ text: String, path: String, environment: [String: String] = [:]) throws(ConfigError) -> EdgeConfiguration {
        var reader = try ConfigReader(path: path, text: text, environment: environment, extraEnvironment: ["HAETAE_MQTT_PASSWORD", "HAETAE_FORWARD_TOKEN"])
        let baseDirectory = (path as NSString).deletingLastPathComponent

        let id = try reader.string("edge.id", default: "")
        guard Self.isIdentifier(id) else {
            throw reader.error("edge.id", id.isEmpty ? "required: this gateway's id, e.g. seoul-a" : "use letters, digits, '-', '_' and '.' only")
        }
        let site = try reader.string("edge.site", default: "")
        guard Self.isIdentifier(site) else {
            throw reader.error("edge.site", site.isEmpty ? "required: the factory site, e.g. seoul" : "use letters, digits, '-', '_' and '.' only")
        }

        let pair = reader.contains("ownership")
        var mqtt = try readMQTT(&reader, edgeID: id, site: site, pair: pair, baseDirectory: baseDirectory, environment: environment)
        let ownership = try readOwnership(&reader, edgeID: id, site: site, session: mqtt, baseDirectory: baseDirectory)
        // A persistent session guards against handling a message twice after a stall (see
        // StallProbe): a pause longer than this, and someone else may hold the session by now.
        if !mqtt.cleanSession && mqtt.qos > 0 {
            let threshold: Duration = ownership == nil ? .seconds(mqtt.keepalive) : .seconds(1)
            mqtt.stallProbe = StallProbe(
                topic: OwnerRecord.probeTopic(site: site, edge: id), payload: Array(id.utf8), threshold: threshold)
        }

        let template = try reader.string("topic_template", default: "factory/{site}/{line}/{device}/{sensor}")
        do {
            _ = try TopicTemplate(template, defaultSite: site)
        } catch {
            throw reader.error("topic_template", "\(error)")
        }

        var ingest = Ingest(
            maxPayloadBytes: Int(try reader.bytes("ingest.max_payload", default: 65_536, minimum: 16)),
            maxSeries: try reader.int("ingest.max_series", default: 100_000, range: 1...10_000_000),
            commitInterval: try reader.duration("spool.commit_interval", default: .milliseconds(50), minimum: .milliseconds(1)))
        ingest.maxSeriesPerDevice = try reader.int("ingest.max_series_per_device", default: 256, range: 1...1_000_000)
        ingest.maxNewSeriesPerSecond = try reader.int("ingest.max_new_series_per_second", default: 1_000, range: 1...10_000_000)
        ingest.seriesWarmup = try reader.duration("ingest.series_warmup", default: .seconds(60), minimum: .zero, maximum: .seconds(3_600))
        ingest.seriesIdle = try reader.duration("ingest.series_idle", default: .seconds(86_400), minimum: .seconds(1), maximum: .seconds(366 * 86_400))

        let spool = SpoolConfiguration(
            path: resolve(try reader.string("spool.path", default: "./data/spool.db"), against: baseDirectory),
            edgeID: id,
            maxBytes: try reader.bytes("spool.max_bytes", default: 1 << 30, minimum: 1 << 20),
            onFull: try reader.choice("spool.on_full", default: SpoolFullPolicy.dropOldest),
            batchMaxReadings: try reader.int("spool.batch_max_readings", default: 5_000, range: 1...1_000_000),
            batchMaxAgeMillis: Int64(try reader.duration("spool.batch_max_age", default: .seconds(1), minimum: .milliseconds(1)).milliseconds),
            rejectsKept: try reader.int("spool.rejects_kept", default: 1_000, range: 0...1_000_000),
            synchronous: try reader.choice("spool.synchronous", default: SpoolSynchronous.full))

        let listen = try reader.string("http.listen", default: "127.0.0.1:9100")
        guard var http = Self.hostPort(listen) else {
            throw reader.error("http.listen", "expected host:port, e.g. 127.0.0.1:9100 or [::1]:9100, got \"\(listen)\"")
        }
        http.idleTimeout = try reader.duration("http.idle_timeout", default: .seconds(60), minimum: .milliseconds(100), maximum: .seconds(3_600))
        http.maxConnections = try reader.int("http.max_connections", default: 256, range: 4...100_000)
        let apiTokenFile = try reader.string("http.api_token_file", default: "")
        if !apiTokenFile.isEmpty {
            let file = resolve(apiTokenFile, against: baseDirectory)
            let token: String
            do {
                token = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw reader.error("http.api_token_file", "cannot read \(file) (\(Self.reason(error)))")
            }
            if let problem = ConfigValues.placeholderProblem(token) { throw reader.error("http.api_token_file", "\(file) \(problem)") }
            guard token.utf8.count >= 16, token.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
                throw reader.error("http.api_token_file", "the token must be at least 16 printable ASCII characters without spaces (\(token.count) read)")
            }
            http.apiToken = token
        }
        http.page = try reader.bool("http.page", default: true)
        let pageURL = try reader.string("http.page_url", default: "")
        if !pageURL.isEmpty {
            guard EdgeStatusCodec.isPageURL(pageURL), URL(string: pageURL)?.host != nil else {
                throw reader.error("http.page_url", "expected an http:// or https:// address of at most \(EdgeStatusCodec.maxPageURLBytes) bytes, e.g. http://10.20.0.5:9100/, got \"\(pageURL.prefix(80))\"")
            }
            http.pageURL = pageURL
        }
        for text in try reader.list("http.page_networks", default: []) {
            guard let network = NetworkRange(text) else {
                throw reader.error("http.page_networks", "expected networks such as 10.20.0.0/16 or fd00::/8, got \"\(text.prefix(80))\"")
            }
            http.pageNetworks.append(network)
        }

        let log = Log(
            level: try reader.choice("log.level", default: LogLevel.info),
            format: try reader.choice("log.format", default: LogFormat.text))

        let rulesPath = try reader.string("rules.path", default: "")
        var rules = RulesSettings(
            path: rulesPath.isEmpty ? nil : resolve(rulesPath, against: baseDirectory),
            watchInterval: try reader.duration("rules.watch_interval", default: .seconds(2), minimum: .milliseconds(100)),
            tickInterval: try reader.duration("rules.tick_interval", default: .milliseconds(5), minimum: .milliseconds(1), maximum: .seconds(10)))
        rules.maxAlertsPerMinute = try reader.int("rules.max_alerts_per_minute", default: 60, range: 0...1_000_000)
        rules.maxSiteAlertsPerMinute = try reader.int("rules.max_site_alerts_per_minute", default: 200, range: 0...1_000_000)
        rules.chatterStarts = try reader.int("rules.chatter_starts", default: 3, range: 0...1_000)
        if rules.chatterStarts == 1 { throw reader.error("rules.chatter_starts", "1 would take every alarm for chattering: use 2 or more, or 0 to turn it off") }
        rules.chatterWindow = try reader.duration("rules.chatter_window", default: .seconds(60), minimum: .seconds(1), maximum: .seconds(86_400))
        if let path = rules.path, !FileManager.default.isReadableFile(atPath: path) {
            throw reader.error("rules.path", "cannot read \(path)")
        }
        let spoolDirectory = (spool.path as NSString).deletingLastPathComponent
        var alerts = AlertSettings(
            path: resolve(try reader.string("alerts.path", default: (spoolDirectory as NSString).appendingPathComponent("alerts.db")), against: baseDirectory),
            historyRetention: try reader.duration("alerts.history_retention", default: .seconds(7 * 86_400), minimum: .seconds(60)))
        alerts.reserveBytes = Int(try reader.bytes("alerts.reserve", default: 4 << 20, minimum: 0, maximum: 1 << 30))
        let webhooks = try readWebhooks(&reader, baseDirectory: baseDirectory, environment: environment)
        let forward = try readForward(&reader, baseDirectory: baseDirectory, environment: environment)

        try reader.finish()
        return EdgeConfiguration(
            edge: Identity(id: id, site: site), mqtt: mqtt, topicTemplate: template, ingest: ingest, spool: spool,
            http: http, log: log, rules: rules, alerts: alerts, webhooks: webhooks, forward: forward, ownership: ownership,
            sourcePath: path)
    }

    private static func readMQTT(
        _ reader: inout ConfigReader, edgeID: String, site: String, pair: Bool, baseDirectory: String, environment: [String: String]
    ) throws(ConfigError) -> MQTTConfiguration {
        let host = try reader.string("mqtt.host", default: "127.0.0.1")
        guard !host.isEmpty else { throw reader.error("mqtt.host", "must not be empty") }
        let port = try reader.int("mqtt.port", default: 1883, range: 1...65_535)
        // An edge of a pair shares the site's session: one client id for the site.
        let clientID = try reader.string("mqtt.client_id", default: pair ? "haetae-\(site)" : "haetae-\(edgeID)")
        guard !clientID.isEmpty, clientID.utf8.count <= 65_535 else { throw reader.error("mqtt.client_id", "must not be empty") }
        let cleanSession = try reader.bool("mqtt.clean_session", default: false)
        let qos = try reader.int("mqtt.qos", default: 1, range: 0...1)
        let topics = try reader.list("mqtt.topics", default: ["factory/#"])
        guard !topics.isEmpty else { throw reader.error("mqtt.topics", "needs at least one topic filter") }
        for topic in topics where !isValidFilter(topic) {
            throw reader.error("mqtt.topics", "\"\(topic)\" is not a valid MQTT topic filter ('#' only last, '+' a whole level)")
        }
        let protocolText = try reader.string("mqtt.protocol", default: "5")
        let protocolVersion: MQTTConfiguration.ProtocolVersion
        switch protocolText {
        case "5", "5.0": protocolVersion = .v5
        case "3.1.1", "311", "4": protocolVersion = .v311
        default: throw reader.error("mqtt.protocol", "expected \"5\" or \"3.1.1\", got \"\(protocolText)\"")
        }
        // A pair does not wait for the keepalive to notice a vanished active (heartbeats do), but a
        // short one makes the broker publish its will sooner: libmosquitto allows 5 s at least.
        let keepalive = try reader.duration("mqtt.keepalive", default: .seconds(pair ? 5 : 30), minimum: .seconds(5), maximum: .seconds(65_535))

        let username = try reader.string("mqtt.username", default: "")
        let passwordFile = try reader.string("mqtt.password_file", default: "")
        var password: String? = environment["HAETAE_MQTT_PASSWORD"]
        if password == nil, !passwordFile.isEmpty {
            let file = resolve(passwordFile, against: baseDirectory)
            do {
                password = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines)
            } catch {
                throw reader.error("mqtt.password_file", "cannot read \(file) (\(Self.reason(error)))")
            }
        }
        if let password, let problem = ConfigValues.placeholderProblem(password) {
            throw reader.error(passwordFile.isEmpty ? "mqtt.password" : "mqtt.password_file", "the password \(problem)")
        }
        if password != nil && username.isEmpty {
            throw reader.error("mqtt.username", "a password is set but no username")
        }

        let caFile = try reader.string("mqtt.tls.ca_file", default: "")
        let certFile = try reader.string("mqtt.tls.cert_file", default: "")
        let keyFile = try reader.string("mqtt.tls.key_file", default: "")
        let insecure = try reader.bool("mqtt.tls.insecure", default: false)
        var tls: MQTTConfiguration.TLS?
        if !caFile.isEmpty {
            for (key, file) in [("mqtt.tls.ca_file", caFile), ("mqtt.tls.cert_file", certFile), ("mqtt.tls.key_file", keyFile)]
            where !file.isEmpty && !FileManager.default.isReadableFile(atPath: resolve(file, against: baseDirectory)) {
                throw reader.error(key, "cannot read \(resolve(file, against: baseDirectory))")
            }
            guard certFile.isEmpty == keyFile.isEmpty else {
                throw reader.error(certFile.isEmpty ? "mqtt.tls.cert_file" : "mqtt.tls.key_file", "a client certificate needs both cert_file and key_file")
            }
            tls = MQTTConfiguration.TLS(
                caFile: resolve(caFile, against: baseDirectory),
                certFile: certFile.isEmpty ? nil : resolve(certFile, against: baseDirectory),
                keyFile: keyFile.isEmpty ? nil : resolve(keyFile, against: baseDirectory),
                insecureSkipVerify: insecure)
        } else if !certFile.isEmpty || !keyFile.isEmpty {
            throw reader.error("mqtt.tls.ca_file", "TLS needs a ca_file to verify the broker")
        }

        let reconnect = ReconnectPolicy(
            initialDelay: try reader.duration("mqtt.reconnect.initial", default: .milliseconds(500), minimum: .milliseconds(10)),
            maxDelay: try reader.duration("mqtt.reconnect.max", default: .seconds(30), minimum: .milliseconds(10)))

        return MQTTConfiguration(
            host: host, port: port, clientID: clientID, cleanSession: cleanSession,
            keepalive: Int(keepalive.components.seconds), username: username.isEmpty ? nil : username, password: password,
            tls: tls, protocolVersion: protocolVersion, subscriptions: topics, qos: qos, reconnect: reconnect,
            // Stop commands go out on this connection to topics under the subscribed ones
            // (factory/…/cmd under factory/#): they must not come back as input.
            noLocal: true)
    }

    private static func readWebhooks(_ reader: inout ConfigReader, baseDirectory: String, environment: [String: String]) throws(ConfigError) -> [WebhookSettings] {
        var webhooks: [WebhookSettings] = []
        for name in try reader.childKeys("webhooks") {
            let key = "webhooks.\(name)"
            guard isIdentifier(name) else { throw reader.error(key, "a receiver name uses letters, digits, '-', '_' and '.' only") }
            var url = try reader.string("\(key).url", default: "")
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw reader.error("\(key).url", url.isEmpty ? "required: where to POST alerts, e.g. http://127.0.0.1:9000/hooks" : "expected an http:// or https:// URL, got \"\(url)\"")
            }
            let typeText = try reader.string("\(key).type", default: WebhookSettings.Kind.standard.rawValue)
            guard let kind = WebhookSettings.Kind(rawValue: typeText) else {
                throw reader.error("\(key).type", "expected \(WebhookSettings.Kind.allCases.map(\.rawValue).joined(separator: " or ")), got \"\(typeText)\"")
            }
            if kind == .alertmanager {
                // The base URL is enough: Alertmanager's API path is added.
                if parsed.path.isEmpty || parsed.path == "/" { url = url.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/api/v2/alerts" }
                if reader.contains("\(key).secret_file") || reader.contains("\(key).secret_env") {
                    throw reader.error("\(key).secret_file", "an alertmanager receiver takes unsigned requests: no secret (protect it with TLS, a client certificate or its network)")
                }
                webhooks.append(WebhookSettings(
                    name: name, url: url, kind: kind, secret: "",
                    timeout: try reader.duration("\(key).timeout", default: .seconds(5), minimum: .milliseconds(10), maximum: .seconds(300)),
                    maxAge: try reader.duration("\(key).max_age", default: .seconds(86_400), minimum: .seconds(1)),
                    tls: try reader.clientTLSFiles("\(key).tls", base: baseDirectory)))
                continue
            }
            if reader.contains("\(key).secret") {
                // Said before the secret_file/secret_env checks, which would miss the point; the value is never echoed.
                throw reader.error("\(key).secret", "a secret is not accepted in the config file; put it in a file (secret_file) or a variable (secret_env)")
            }
            let secretFile = try reader.string("\(key).secret_file", default: "")
            let secretEnv = try reader.string("\(key).secret_env", default: "")
            var secret: String
            switch (secretFile.isEmpty, secretEnv.isEmpty) {
            case (false, true):
                let file = resolve(secretFile, against: baseDirectory)
                do {
                    secret = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                } catch {
                    throw reader.error("\(key).secret_file", "cannot read \(file) (\(Self.reason(error)))")
                }
            case (true, false):
                guard let value = environment[secretEnv], !value.isEmpty else {
                    throw reader.error("\(key).secret_env", "the variable \(secretEnv) is not set")
                }
                secret = value.trimmingCharacters(in: .whitespacesAndNewlines)
            case (false, false):
                throw reader.error("\(key).secret_file", "give secret_file or secret_env, not both")
            case (true, true):
                throw reader.error("\(key).secret_file", "required: secret_file (or secret_env) holding the whsec_… signing secret")
            }
            if let problem = ConfigValues.placeholderProblem(secret) {
                throw reader.error(secretFile.isEmpty ? "\(key).secret_env" : "\(key).secret_file", "the secret \(problem)")
            }
            do {
                _ = try WebhookSecret(parsing: secret)
            } catch {
                throw reader.error(secretFile.isEmpty ? "\(key).secret_env" : "\(key).secret_file", error.description)
            }
            let tls = try reader.clientTLSFiles("\(key).tls", base: baseDirectory)
            if tls != nil && parsed.scheme != "https" {
                throw reader.error("\(key).tls", "TLS files are set but the url is not https://")
            }
            webhooks.append(WebhookSettings(
                name: name, url: url, secret: secret,
                timeout: try reader.duration("\(key).timeout", default: .seconds(5), minimum: .milliseconds(10), maximum: .seconds(300)),
                maxAge: try reader.duration("\(key).max_age", default: .seconds(86_400), minimum: .seconds(1)), tls: tls))
        }
        return webhooks
    }

    static func isIdentifier(_ text: String) -> Bool { ConfigValues.isIdentifier(text) }

    static func isValidFilter(_ filter: String) -> Bool {
        let levels = filter.split(separator: "/", omittingEmptySubsequences: false)
        guard !filter.isEmpty else { return false }
        for (index, level) in levels.enumerated() {
            if level.contains("#") && (level != "#" || index != levels.count - 1) { return false }
            if level.contains("+") && level != "+" { return false }
        }
        return true
    }

    static func hostPort(_ text: String) -> HTTP? {
        ConfigValues.hostPort(text).map { HTTP(host: $0.host, port: $0.port) }
    }

    static func resolve(_ path: String, against base: String) -> String {
        ConfigValues.resolve(path, against: base)
    }

    static func reason(_ error: any Error) -> String {
        ConfigValues.reason(error)
    }
}
