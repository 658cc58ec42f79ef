// swift-tools-version:6.1
import PackageDescription

/// One compiler-settings block for every Swift target.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "haetae",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "haetae-edge", targets: ["haetae-edge"]),
        .executable(name: "haetae-sim", targets: ["haetae-sim"]),
        .executable(name: "haetae-core", targets: ["haetae-core"]),
        // The three in one binary, for the container image (Deploy/container).
        .executable(name: "haetae", targets: ["haetae"]),
        .executable(name: "haetae-rules-bench", targets: ["haetae-rules-bench"]),
        .executable(name: "haetae-store-bench", targets: ["haetae-store-bench"]),
        .executable(name: "haetae-core-bench", targets: ["haetae-core-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
    ],
    targets: [
        // C libraries, wrapped once.
        .systemLibrary(
            name: "CMosquitto", pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]),
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        // OpenSSL tuning of libmosquitto's TLS connections, in C against OpenSSL's headers.
        .target(name: "CTLSTuning", linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),

        // Thin Swift wrappers: the only modules that import the C libraries.
        .target(
            name: "MQTT",
            dependencies: ["CMosquitto", "CTLSTuning", "Clocks", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .target(name: "SQLite", dependencies: ["CSQLite"], swiftSettings: swiftSettings),

        // Domain: readings, topics, payload decoders, batch codec. No C, no I/O.
        .target(name: "Readings", swiftSettings: swiftSettings),

        // Who may ask: bearer tokens, loopback peers and hosts, constant-time comparison. No dependencies.
        .target(name: "AccessControl", swiftSettings: swiftSettings),

        // The page's accounts: the users file, roles, bcrypt, sessions, login throttling. No I/O
        // beyond reading and writing the users file.
        .target(
            name: "Accounts",
            dependencies: [
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),

        // Clocks and durations: the wall clock, milliseconds of a Duration, Retry-After. No dependencies.
        .target(name: "Clocks", swiftSettings: swiftSettings),
        // The version of this build: the release number and the git revision stamped at build time.
        .target(name: "BuildInfo", swiftSettings: swiftSettings, plugins: ["RevisionStamp"]),
        .executableTarget(name: "revision-stamp", path: "Tools/revision-stamp", swiftSettings: swiftSettings),
        .plugin(name: "RevisionStamp", capability: .buildTool(), dependencies: ["revision-stamp"]),
        // What /metrics adds to the registry's text: help lines, haetae_build_info, process_* metrics.
        .target(name: "Exposition", dependencies: ["BuildInfo"], swiftSettings: swiftSettings),
        // The page, its script and style, served by the core (every site) and by each edge (its
        // own site, during a WAN cut too), and how an edge's status is judged. No I/O.
        .target(name: "SitePage", dependencies: ["Readings", "BuildInfo"], swiftSettings: swiftSettings),
        // Who of a site's edges holds its MQTT session: the owner record, its codec, the election. No I/O.
        .target(name: "Ownership", swiftSettings: swiftSettings),

        // The durable SQLite spool between ingest and the forwarder.
        .target(
            name: "Spool",
            dependencies: ["SQLite", "Readings", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),

        // One JSON object per log line (`log.format: json`), for both services.
        .target(name: "LogFormat", dependencies: [.product(name: "Logging", package: "swift-log")], swiftSettings: swiftSettings),

        // YAML configuration with file:line:key errors and HAETAE_… overrides, shared by edge and core.
        .target(name: "ConfigFile", dependencies: ["Clocks", .product(name: "Yams", package: "Yams")], swiftSettings: swiftSettings),

        // Hazard rules: rule files, compiled expressions, the engine and the alert lifecycle. No I/O.
        .target(
            name: "Rules",
            dependencies: ["Readings", "Clocks", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings),

        // Standard Webhooks: signing, verification, a durable outbox and delivery with retries.
        .target(
            name: "Webhooks",
            dependencies: [
                "SQLite", "Clocks", "ConfigFile", "AccessControl",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings),

        // The gateway: config, ingest pipeline, rules and alerts, operations HTTP.
        .target(
            name: "Edge",
            dependencies: [
                "MQTT", "Readings", "Spool", "SQLite", "Rules", "Webhooks", "ConfigFile", "Clocks", "AccessControl", "Ownership",
                "BuildInfo", "Exposition", "SitePage",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings),

        // The Daejeon core's storage engine: head and compressed blocks, SQLite and PostgreSQL
        // backends, queries. No HTTP: the store benchmark and tests link only this.
        .target(
            name: "CoreStorage",
            dependencies: [
                "Readings", "SQLite", "Clocks",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings),
        // The Daejeon core service: config, batch ingest and query API, dashboard, metrics.
        .target(
            name: "CoreService",
            dependencies: [
                "CoreStorage", "Readings", "ConfigFile", "Clocks", "AccessControl", "Accounts", "BuildInfo", "Exposition", "SitePage",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: swiftSettings),
        // The core's command line, and its executable.
        .target(
            name: "CoreCLI",
            dependencies: [
                "CoreService", "LogFormat", "Accounts", "BuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(name: "haetae-core", dependencies: ["CoreCLI"], swiftSettings: swiftSettings),

        // The edge's command line, and its executable.
        .target(
            name: "EdgeCLI",
            dependencies: [
                "Edge", "Rules", "ConfigFile", "LogFormat", "BuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(name: "haetae-edge", dependencies: ["EdgeCLI"], swiftSettings: swiftSettings),

        // The device simulator (under Simulator/): scenarios and ground truth, no I/O …
        .target(
            name: "SimulatorCore",
            dependencies: ["Readings", .product(name: "Yams", package: "Yams")],
            path: "Simulator/Sources/SimulatorCore",
            swiftSettings: swiftSettings),
        // … and the publishing engine over the MQTT module.
        .target(
            name: "SimulatorEngine",
            dependencies: ["MQTT", .product(name: "Logging", package: "swift-log")],
            path: "Simulator/Sources/SimulatorEngine",
            swiftSettings: swiftSettings),
        // The simulator's command line, and its executable.
        .target(
            name: "SimulatorCLI",
            dependencies: [
                "SimulatorCore", "SimulatorEngine", "MQTT", "Readings", "Webhooks", "ConfigFile", "BuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Simulator/Sources/SimulatorCLI",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "haetae-sim", dependencies: ["SimulatorCLI"], path: "Simulator/Sources/haetae-sim", swiftSettings: swiftSettings),

        // haetae-edge, haetae-core and haetae-sim in one binary, chosen by the name it is started
        // under: the container image holds the Swift runtime and the shared libraries once.
        .executableTarget(name: "haetae", dependencies: ["EdgeCLI", "CoreCLI", "SimulatorCLI"], swiftSettings: swiftSettings),

        // The rule engine benchmark (Benchmarks/RulesBench): readings/s and ns/reading by rule count.
        .executableTarget(
            name: "haetae-rules-bench", dependencies: ["Rules", "Readings"],
            path: "Benchmarks/RulesBench", swiftSettings: swiftSettings),
        // The core store benchmark (Benchmarks/CoreStoreBench): ingest rows/s for SQLite and PostgreSQL.
        .executableTarget(
            name: "haetae-store-bench",
            dependencies: ["CoreStorage", "Readings", "SQLite", "TestSupport", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/CoreStoreBench", swiftSettings: swiftSettings),

        // Core ingest against InfluxDB 1.6 (Benchmarks/CoreBench): rows/s with the same readings.
        .executableTarget(
            name: "haetae-core-bench",
            dependencies: [
                "Readings",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Benchmarks/CoreBench", swiftSettings: swiftSettings),

        // Shared by tests: free ports, temp dirs, real mosquitto, child processes.
        .target(name: "TestSupport", exclude: ["Receiver", "WANProxy"], swiftSettings: swiftSettings),

        .testTarget(name: "ClocksTests", dependencies: ["Clocks"], swiftSettings: swiftSettings),
        .testTarget(name: "ExpositionTests", dependencies: ["Exposition", "BuildInfo"], swiftSettings: swiftSettings),
        .testTarget(name: "OwnershipTests", dependencies: ["Ownership"], swiftSettings: swiftSettings),
        .testTarget(name: "CoreServiceTests", dependencies: ["CoreService", "CoreStorage", "Readings", "TestSupport", "AccessControl", "SitePage"], swiftSettings: swiftSettings),
        .testTarget(name: "AccessControlTests", dependencies: ["AccessControl"], swiftSettings: swiftSettings),
        .testTarget(name: "AccountsTests", dependencies: ["Accounts"], swiftSettings: swiftSettings),
        .testTarget(name: "ReadingsTests", dependencies: ["Readings"],
                    resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "MQTTTests", dependencies: ["MQTT", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SpoolTests", dependencies: ["Spool", "Readings", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "EdgeTests", dependencies: ["Edge", "ConfigFile", "Readings", "TestSupport", "SitePage", "AccessControl", "Spool", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log")], swiftSettings: swiftSettings),
        .testTarget(
            name: "CoreStorageTests", dependencies: [
                "CoreStorage", "Readings", "SQLite", "TestSupport", .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "RulesTests", dependencies: ["Rules", "Readings"],
            resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(
            name: "WebhooksTests",
            dependencies: [
                "Webhooks", "TestSupport", "Clocks", "ConfigFile",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "EdgeIntegrationTests",
            dependencies: [
                "Edge", "Readings", "TestSupport",
                // The test core: a real HTTP server that honours the batch contract (DESIGN §3.4).
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "CoreIntegrationTests", dependencies: ["Readings", "Clocks", "TestSupport"],
            exclude: ["Browser"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SimulatorCoreTests", dependencies: ["SimulatorCore", "Readings"],
            path: "Simulator/Tests/SimulatorCoreTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "SimulatorEngineTests", dependencies: ["SimulatorEngine", "TestSupport"],
            path: "Simulator/Tests/SimulatorEngineTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "SimulatorCLITests",
            dependencies: [
                "SimulatorCLI",
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Simulator/Tests/SimulatorCLITests", swiftSettings: swiftSettings),
    ]
)
