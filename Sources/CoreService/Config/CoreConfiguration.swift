import CoreStorage
import Readings
import Accounts
public import ConfigFile
import Foundation

/// Everything `haetae-core run` needs, read from one YAML file plus `HAETAE_…` overrides.
public struct CoreConfiguration: Sendable {
    public struct HTTP: Sendable, Equatable {
        public var host: String
        public var port: Int
        /// Largest request body accepted as sent (compressed): 413 beyond.
        public var maxBody: Int
        /// Largest body after decompression (a gzip bomb stops here): 413 beyond.
        public var maxDecompressed: Int
        /// Most readings in one batch: 413 beyond.
        public var maxBatchReadings: Int
        /// Series keys one edge's dictionary may use (a batch naming a larger key gets 409
        /// `series_quota`); also bounds the core's memory per edge dictionary (8 bytes a key).
        public var maxSeriesPerEdge: Int = 1_000_000
        /// A connection with no traffic for this long is closed (a client that connects and says
        /// nothing cannot hold a file descriptor for ever).
        public var idleTimeout: Duration = .seconds(60)
        /// Open connections at most; more wait in the listen backlog until one closes, so no
        /// number of clients can take every file descriptor of the process.
        public var maxConnections: Int = 4_096
        /// HTTPS (`http.tls`); nil serves plain HTTP.
        public var tls: TLSFiles?
    }

    /// `http.tls`: the core's certificate and, for mutual TLS, the CA that signs the edges'.
    public struct TLSFiles: Sendable, Equatable {
        /// PEM certificate chain the core presents (`cert_file`).
        public var certificateFile: String
        /// Its PEM private key (`key_file`).
        public var keyFile: String
        /// PEM CA(s) the edges' client certificates must chain to (`client_ca_file`). When set,
        /// a batch or alert POST needs a client certificate whose common name is the edge's name
        /// in the edge tokens file, beside its bearer token; browsers and readers need none.
        public var clientCAFile: String?
    }

    public enum Backend: String, Sendable, CaseIterable {
        case sqlite, postgres
    }

    public struct Storage: Sendable, Equatable {
        public var backend: Backend
        /// The SQLite file (backend sqlite).
        public var path: String
        /// `postgres://user:password@host:port/database` (backend postgres); never logged.
        public var url: String
        /// When the head is compacted into blocks (`storage.compaction.…`).
        public var compaction: Compaction
    }

    /// `storage.compaction`: when head rows (stored batches) become compressed blocks.
    public struct Compaction: Sendable, Equatable {
        /// Compact once the head holds this many readings (`at_readings`) …
        public var atReadings: Int
        /// … or once its oldest batch is this old (`after`).
        public var after: Duration
        /// Most readings per round, one transaction (`round_readings`).
        public var roundReadings: Int
        /// Readings a block may grow to (`block_readings`).
        public var blockReadings: Int
    }

    public struct Auth: Sendable {
        /// Edge id → bearer token.
        public var edgeTokens: EdgeTokens
        /// The token for reads (queries, dashboard data); nil = reads only from loopback.
        public var readToken: String?
        /// The page's accounts (`auth.users_file`: `name:role:bcrypt-hash` lines); nil = no
        /// accounts, the page is open to this machine only.
        public var usersFile: String?
        /// A page session ends after this long unused (`auth.session_idle`) …
        public var sessionIdle: Duration = .seconds(3_600)
        /// … and this long after the login at the latest (`auth.session_lifetime`).
        public var sessionLifetime: Duration = .seconds(12 * 3_600)
    }

    public struct Retention: Sendable, Equatable {
        public var raw: Duration
        public var rollup: Duration
        /// How often retention runs.
        public var interval: Duration
    }

    public struct Log: Sendable, Equatable {
        public var level: String
        public var format: String
    }

    /// The device registry (`devices:`; ``DeviceRegistry``).
    public struct Devices: Sendable, Equatable {
        /// Most devices kept (`max`); more are counted, not kept.
        public var max: Int = 100_000
        /// A device clock off by more than this is flagged (`clock_threshold`).
        public var clockThreshold: Duration = .seconds(2)
        /// How often changed device records are kept in the store (`keep_interval`; also at shutdown).
        public var keepInterval: Duration = .seconds(60)
    }

    public var http: HTTP
    public var storage: Storage
    public var auth: Auth
    public var retention: Retention
    public var log: Log
    public var devices = Devices()
    public var sourcePath: String
}

extension CoreConfiguration {
    /// Reads and validates a config file; every problem names the file, line and key.
    public static func load(path: String, environment: [String: String]? = nil) throws(ConfigError) -> CoreConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(source: .file(path: path, line: nil), key: "", reason: "cannot read the file (\(ConfigValues.reason(error)))")
        }
        return try parse(text, path: path, environment: environment ?? ProcessInfo.processInfo.environment)
    }

    /// Parses config text (used by `load` and by tests).
    public static func parse(_ text: String, path: String, environment: [String: String] = [:]) throws(ConfigError) -> CoreConfiguration {
        var reader = try ConfigReader(path: path, text: text, environment: environment)
        let base = (path as NSString).deletingLastPathComponent

        let listen = try reader.string("http.listen", default: "127.0.0.1:8080")
        guard let address = ConfigValues.hostPort(listen) else {
            throw reader.error("http.listen", "expected host:port, e.g. 127.0.0.1:8080 or [::1]:8080, got \"\(listen)\"")
        }
        var http = HTTP(
            host: address.host, port: address.port,
            maxBody: Int(try reader.bytes("http.max_body", default: 16 << 20, minimum: 1_024)),
            maxDecompressed: Int(try reader.bytes("http.max_decompressed", default: 32 << 20, minimum: 1_024)),
            maxBatchReadings: try reader.int("http.max_batch_readings", default: 100_000, range: 1...10_000_000),
            idleTimeout: try reader.duration("http.idle_timeout", default: .seconds(60), minimum: .milliseconds(100), maximum: .seconds(3_600)))
        http.maxConnections = try reader.int("http.max_connections", default: 4_096, range: 16...1_000_000)
        http.maxSeriesPerEdge = try reader.int(
            "http.max_series_per_edge", default: 1_000_000, range: 1...Int(BatchCodec.dictionaryKeyLimit))
        http.tls = try Self.tlsFiles(&reader, base: base)

        let backend = try reader.choice("storage.backend", default: Backend.sqlite)
        let storage = Storage(
            backend: backend,
            path: ConfigValues.resolve(try reader.string("storage.path", default: "./data/core.db"), against: base),
            url: try reader.string("storage.url", default: ""),
            compaction: Compaction(
                atReadings: try reader.int("storage.compaction.at_readings", default: 1_000_000, range: 1...100_000_000),
                after: try reader.duration("storage.compaction.after", default: .seconds(60), minimum: .milliseconds(100)),
                roundReadings: try reader.int("storage.compaction.round_readings", default: 2_000_000, range: 1...100_000_000),
                blockReadings: try reader.int("storage.compaction.block_readings", default: 4_096, range: 16...1_048_576)))
        if backend == .postgres && !(storage.url.hasPrefix("postgres://") || storage.url.hasPrefix("postgresql://")) {
            throw reader.error("storage.url", "the postgres backend needs postgres://user:password@host:port/database")
        }

        let tokensFile = try reader.string("auth.edge_tokens_file", default: "")
        guard !tokensFile.isEmpty else {
            throw reader.error("auth.edge_tokens_file", "required: a YAML file of edge id → token, e.g. {seoul-a: \"…\"}")
        }
        let tokensPath = ConfigValues.resolve(tokensFile, against: base)
        let edgeTokens: EdgeTokens
        do {
            edgeTokens = try EdgeTokens.load(path: tokensPath)
        } catch {
            throw reader.error("auth.edge_tokens_file", "\(error)")
        }
        let readTokenFile = try reader.string("auth.read_token_file", default: "")
        var readToken: String?
        if !readTokenFile.isEmpty {
            let file = ConfigValues.resolve(readTokenFile, against: base)
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw reader.error("auth.read_token_file", "cannot read \(file)")
            }
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard token.utf8.count >= 16 else { throw reader.error("auth.read_token_file", "the read token must be at least 16 characters") }
            if let problem = ConfigValues.placeholderProblem(token) { throw reader.error("auth.read_token_file", "\(file) \(problem)") }
            readToken = token
        }

        var auth = Auth(edgeTokens: edgeTokens, readToken: readToken)
        let usersFile = try reader.string("auth.users_file", default: "")
        if !usersFile.isEmpty {
            let file = ConfigValues.resolve(usersFile, against: base)
            let users: UserFile
            do {
                users = try UserFile.load(path: file)
            } catch {
                throw reader.error("auth.users_file", "\(error) (make it with: haetae-core user add NAME --role admin --file \(file))")
            }
            if users.accounts.isEmpty {
                throw reader.error("auth.users_file", "\(file) has no account: nobody could log in (haetae-core user add NAME --role admin --file \(file))")
            }
            auth.usersFile = file
        }
        auth.sessionIdle = try reader.duration("auth.session_idle", default: .seconds(3_600), minimum: .seconds(5), maximum: .seconds(7 * 86_400))
        auth.sessionLifetime = try reader.duration(
            "auth.session_lifetime", default: .seconds(12 * 3_600), minimum: .seconds(5), maximum: .seconds(30 * 86_400))

        let retention = Retention(
            raw: try reader.duration("retention.raw", default: .seconds(30 * 86_400), minimum: .seconds(60)),
            rollup: try reader.duration("retention.rollup_1h", default: .seconds(365 * 86_400), minimum: .seconds(3_600)),
            interval: try reader.duration("retention.interval", default: .seconds(3_600), minimum: .seconds(1)))
        let log = Log(
            level: try reader.string("log.level", default: "info"),
            format: try reader.string("log.format", default: "text"))
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(log.level) else {
            throw reader.error("log.level", "expected one of trace, debug, info, notice, warning, error, critical, got \"\(log.level)\"")
        }
        guard ["text", "json"].contains(log.format) else { throw reader.error("log.format", "expected text or json, got \"\(log.format)\"") }
        let devices = Devices(
            max: try reader.int("devices.max", default: 100_000, range: 1...10_000_000),
            clockThreshold: try reader.duration("devices.clock_threshold", default: .seconds(2), minimum: .milliseconds(1), maximum: .seconds(86_400)),
            keepInterval: try reader.duration("devices.keep_interval", default: .seconds(60), minimum: .milliseconds(100), maximum: .seconds(3_600)))
        try reader.finish()
        var configuration = CoreConfiguration(
            http: http, storage: storage, auth: auth, retention: retention, log: log,
            sourcePath: path)
        configuration.devices = devices
        return configuration
    }
}
