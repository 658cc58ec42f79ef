@testable import Edge
import ConfigFile
import Foundation
import MQTT
import Spool
import Testing

@Suite("Edge configuration")
struct EdgeConfigurationTests {
    static let full = """
        edge: {id: seoul-a, site: seoul}
        mqtt: {host: 127.0.0.1, port: 1883, client_id: haetae-seoul-a, clean_session: false, qos: 1,
               topics: ["factory/#"], protocol: "5", keepalive: 30s,
               username: "", password_file: "", tls: {ca_file: "", cert_file: "", key_file: ""}}
        topic_template: "factory/{site}/{line}/{device}/{sensor}"
        spool: {path: ./data/spool.db, max_bytes: 1GiB, on_full: drop-oldest, commit_interval: 50ms,
                batch_max_readings: 5000, batch_max_age: 1s}
        http: {listen: "127.0.0.1:9100"}
        log: {level: info, format: text}
        """

    @Test("the documented example config parses to the documented values")
    func parsesTheExample() throws {
        let config = try EdgeConfiguration.parse(Self.full, path: "/etc/haetae/edge.yaml")
        #expect(config.edge.id == "seoul-a")
        #expect(config.edge.site == "seoul")
        #expect(config.mqtt.clientID == "haetae-seoul-a")
        #expect(config.mqtt.cleanSession == false)
        #expect(config.mqtt.protocolVersion == .v5)
        #expect(config.mqtt.keepalive == 30)
        #expect(config.mqtt.subscriptions == ["factory/#"])
        #expect(config.mqtt.username == nil)
        #expect(config.mqtt.tls == nil)
        #expect(config.spool.path == "/etc/haetae/./data/spool.db")
        #expect(config.spool.maxBytes == 1 << 30)
        #expect(config.spool.onFull == .dropOldest)
        #expect(config.ingest.commitInterval == .milliseconds(50))
        #expect(config.spool.batchMaxReadings == 5_000)
        #expect(config.spool.batchMaxAgeMillis == 1_000)
        #expect(config.http.host == "127.0.0.1" && config.http.port == 9100)
        #expect(config.log.format == .text)
    }

    @Test("only edge.id and edge.site are required; everything else has a default")
    func minimalConfig() throws {
        let config = try EdgeConfiguration.parse("edge: {id: gj-1, site: gwangju}\n", path: "edge.yaml")
        #expect(config.mqtt.host == "127.0.0.1" && config.mqtt.port == 1883)
        #expect(config.mqtt.clientID == "haetae-gj-1")
        #expect(config.mqtt.qos == 1)
        #expect(config.ingest.maxPayloadBytes == 65_536)
        #expect(config.spool.onFull == .dropOldest)
    }

    @Test("the process reaches its own ops port over loopback when it listens on every address", arguments: [
        ("0.0.0.0:9100", "http://127.0.0.1:9100/healthz"), ("\"[::]:9100\"", "http://[::1]:9100/healthz"),
        ("127.0.0.1:9200", "http://127.0.0.1:9200/healthz"), ("\"[::1]:9100\"", "http://[::1]:9100/healthz"),
    ])
    func ownURL(listen: String, expected: String) throws {
        let config = try EdgeConfiguration.parse("edge: {id: a, site: s}\nhttp: {listen: \(listen)}\n", path: "edge.yaml")
        #expect(config.http.loopbackURL(path: "/healthz") == expected)
    }

    @Test("environment variables override file values", arguments: [
        ("HAETAE_MQTT_HOST", "10.0.0.7"), ("HAETAE_SPOOL_PATH", "/data/spool.db"), ("HAETAE_MQTT_PORT", "8883"),
        ("HAETAE_MQTT_TOPICS", "a/#, b/+/c"), ("HAETAE_SPOOL_ON_FULL", "block"),
    ])
    func environmentOverrides(variable: String, value: String) throws {
        let config = try EdgeConfiguration.parse(Self.full, path: "edge.yaml", environment: [variable: value])
        switch variable {
        case "HAETAE_MQTT_HOST": #expect(config.mqtt.host == "10.0.0.7")
        case "HAETAE_SPOOL_PATH": #expect(config.spool.path == "/data/spool.db")
        case "HAETAE_MQTT_PORT": #expect(config.mqtt.port == 8883)
        case "HAETAE_MQTT_TOPICS": #expect(config.mqtt.subscriptions == ["a/#", "b/+/c"])
        default: #expect(config.spool.onFull == .block)
        }
    }

    @Test("an alertmanager receiver needs no secret and gets Alertmanager's API path added to its base URL")
    func alertmanagerReceiver() throws {
        let config = try EdgeConfiguration.parse(
            "edge: {id: a, site: s}\nwebhooks:\n  am: {url: \"http://127.0.0.1:9093/\", type: alertmanager}\n  am2: {url: \"https://am.plant:9093/api/v2/alerts\", type: alertmanager}\n",
            path: "edge.yaml", environment: [:])
        #expect(config.webhooks.map(\.url) == ["http://127.0.0.1:9093/api/v2/alerts", "https://am.plant:9093/api/v2/alerts"])
        #expect(config.webhooks.allSatisfy { $0.kind == .alertmanager && $0.secret.isEmpty })
    }

    @Test("a bad config names the file, the line and the key", arguments: [
        ("edge: {id: a, site: s}\nmqtt:\n  port: http\n", "edge.yaml:3: mqtt.port: expected an integer from 1 to 65535, got \"http\""),
        ("edge: {id: a, site: s}\nspool:\n  on_full: explode\n", "edge.yaml:3: spool.on_full: expected one of drop-oldest, block, got \"explode\""),
        ("edge: {id: a, site: s}\nspool:\n  commit_interval: soon\n", "edge.yaml:3: spool.commit_interval: expected a duration"),
        ("edge: {id: a, site: s}\nmqtt:\n  hots: x\n", "edge.yaml:3: mqtt.hots: unknown key"),
        ("edge: {id: a, site: s}\nmqtt: {qos: 2}\n", "edge.yaml:2: mqtt.qos: expected an integer from 0 to 1, got \"2\""),
        ("edge: {site: s}\n", "edge.yaml:1: edge.id: required"),
        ("edge: {id: a, site: s}\nwebhooks:\n  oncall:\n    url: http://127.0.0.1:9/hooks\n", "edge.yaml:3: webhooks.oncall.secret_file: required"),
        ("edge: {id: a, site: s}\nwebhooks:\n  am: {url: \"http://127.0.0.1:9093\", type: prometheus}\n", "edge.yaml:3: webhooks.am.type: expected standard or alertmanager, got \"prometheus\""),
        ("edge: {id: a, site: s}\nwebhooks:\n  am: {url: \"http://127.0.0.1:9093\", type: alertmanager, secret_env: X}\n", "webhooks.am.secret_file: an alertmanager receiver takes unsigned requests"),
        ("edge: {id: a, site: s}\ntopic_template: \"factory/{site}/{nope}\"\n", "edge.yaml:2: topic_template:"),
        ("edge: {id: a, site: s}\nmqtt: {topics: [\"factory/#/x\"]}\n", "edge.yaml:2: mqtt.topics: \"factory/#/x\" is not a valid MQTT topic filter"),
        ("edge: {id: a, site: s}\nhttp: {listen: nowhere}\n", "edge.yaml:2: http.listen: expected host:port"),
        ("edge: {id: a, site: s}\nmqtt: {protocol: \"6\"}\n", "edge.yaml:2: mqtt.protocol: expected \"5\" or \"3.1.1\""),
        ("edge: [1, 2\n", "edge.yaml:2: not valid YAML"),
        ("- just\n- a list\n", "edge.yaml:1: expected a mapping of sections"),
        ("edge: {id: a, site: s}\nmqtt: {tls: {cert_file: c.pem}}\n", "mqtt.tls.ca_file: TLS needs a ca_file"),
        ("edge: {id: a, site: s}\nmqtt: {password_file: /nonexistent/pw, username: u}\n", "edge.yaml:2: mqtt.password_file: cannot read /nonexistent/pw"),
        ("edge: {id: a, site: s}\nmqtt: {keepalive: 70000s}\n", "edge.yaml:2: mqtt.keepalive: expected a duration"),
        ("edge: {id: a, site: s}\nspool: {batch_max_age: 1e13s}\n", "edge.yaml:2: spool.batch_max_age: expected a duration"),
        ("edge: {id: a, site: s}\nspool: {max_bytes: 1e30GiB}\n", "edge.yaml:2: spool.max_bytes: expected a size"),
        ("edge: {id: a, site: s}\nmqtt: {clean_session: true}\nownership: {}\n", "mqtt.clean_session: an edge of a pair needs the persistent session"),
        ("edge: {id: a, site: s}\nmqtt: {qos: 0}\nownership: {}\n", "mqtt.qos: an edge of a pair needs QoS 1"),
        ("edge: {id: a, site: s}\nmqtt: {topics: [\"$share/haetae/factory/#\"]}\nownership: {}\n", "mqtt.topics: \"$share/haetae/factory/#\": an edge of a pair holds the whole session"),
        ("edge: {id: a, site: s}\nmqtt: {client_id: x}\nownership: {client_id: x}\n", "ownership.client_id: must differ from mqtt.client_id"),
        ("edge: {id: a, site: s}\nownership: {heartbeat_interval: 1s, heartbeat_timeout: 2s}\n", "ownership.heartbeat_timeout: must be at least 3 × heartbeat_interval"),
        ("edge: {id: a, site: s}\nownership: {heartbeat_timeout: 3s, lease: 3s}\n", "ownership.lease: must be shorter than heartbeat_timeout"),
        ("edge: {id: a, site: s}\nownership: {tls: {cert_file: c.pem, key_file: k.pem}}\n", "ownership.tls.cert_file: a client certificate needs mqtt.tls"),
        ("edge: {id: a, site: s}\nhttp: {page_url: \"javascript:alert(1)\"}\n", "edge.yaml:2: http.page_url: expected an http:// or https:// address"),
        ("edge: {id: a, site: s}\nhttp: {page_networks: [\"10.0.0.0/33\"]}\n", "edge.yaml:2: http.page_networks: expected networks such as 10.20.0.0/16"),
        ("edge: {id: a, site: s}\nhttp: {page: maybe}\n", "edge.yaml:2: http.page:"),
    ])
    func badConfigNamesWhere(text: String, expected: String) {
        #expect {
            _ = try EdgeConfiguration.parse(text, path: "edge.yaml")
        } throws: { error in
            let description = "\(error)"
            #expect(description.hasPrefix(expected) || description.contains(expected), "got: \(description)")
            return true
        }
    }

    @Test("the site page: on by default; page_url and page_networks read")
    func sitePageSettings() throws {
        let defaults = try EdgeConfiguration.parse("edge: {id: a, site: s}\n", path: "edge.yaml")
        #expect(defaults.http.page && defaults.http.pageURL == nil && defaults.http.pageNetworks.isEmpty)
        let config = try EdgeConfiguration.parse(
            "edge: {id: a, site: s}\nhttp: {page_url: \"http://10.20.0.5:9100/\", page_networks: [\"10.20.0.0/16\", \"fd00::/8\"]}\n", path: "edge.yaml")
        #expect(config.http.pageURL == "http://10.20.0.5:9100/")
        #expect(config.http.pageNetworks.map(\.description) == ["10.20.0.0/16", "fd00::/8"])
        #expect(try EdgeConfiguration.parse("edge: {id: a, site: s}\nhttp: {page: false}\n", path: "edge.yaml").http.page == false)
    }

    @Test("a bad environment override names the variable and the key")
    func badEnvironmentValue() {
        #expect {
            _ = try EdgeConfiguration.parse(Self.full, path: "edge.yaml", environment: ["HAETAE_MQTT_PORT": "0"])
        } throws: { error in
            "\(error)" == "HAETAE_MQTT_PORT (mqtt.port): expected an integer from 1 to 65535, got \"0\""
        }
        #expect {
            _ = try EdgeConfiguration.parse(Self.full, path: "edge.yaml", environment: ["HAETAE_MQTT_HOTS": "x"])
        } throws: { error in
            "\(error)".hasPrefix("HAETAE_MQTT_HOTS: not a config key")
        }
    }

    @Test("HAETAE_ variables of other programs (simulator, demo, the core's own sections) are left alone; a typo in an edge section is not")
    func otherProgramsVariables() throws {
        let environment = ["HAETAE_SIM_RATE": "5000", "HAETAE_DEMO_DIR": "/tmp/demo", "HAETAE_TEST_KEEP": "1", "HAETAE_STORAGE_BACKEND": "postgres"]
        let config = try EdgeConfiguration.parse(Self.full, path: "edge.yaml", environment: environment)
        #expect(config.mqtt.port == 1883)
        #expect {
            _ = try EdgeConfiguration.parse(Self.full, path: "edge.yaml", environment: environment.merging(["HAETAE_SPOOL_MAX_BYTE": "1GiB"]) { $1 })
        } throws: { error in
            "\(error)".hasPrefix("HAETAE_SPOOL_MAX_BYTE: not a config key")
        }
    }

    @Test("the password comes from a file or HAETAE_MQTT_PASSWORD and never shows in descriptions")
    func passwordNeverShown() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("haetae-pw-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Saved on Windows: the CRLF must not become part of the password.
        try "s3cret-from-file\r\n".write(to: directory.appendingPathComponent("pw"), atomically: true, encoding: .utf8)
        let text = "edge: {id: a, site: s}\nmqtt: {username: gw, password_file: pw}\n"
        let fromFile = try EdgeConfiguration.parse(text, path: directory.appendingPathComponent("edge.yaml").path)
        #expect(fromFile.mqtt.password == "s3cret-from-file")
        #expect(!"\(fromFile.mqtt)".contains("s3cret"))
        let fromEnvironment = try EdgeConfiguration.parse(
            text, path: directory.appendingPathComponent("edge.yaml").path, environment: ["HAETAE_MQTT_PASSWORD": "env-s3cret"])
        #expect(fromEnvironment.mqtt.password == "env-s3cret")
        #expect(!"\(fromEnvironment)".contains("env-s3cret"))
    }

    @Test("durations and sizes accept the usual units", arguments: [
        ("50ms", Duration.milliseconds(50)), ("30s", .seconds(30)), ("5m", .seconds(300)), ("1h", .seconds(3_600)), ("1.5s", .milliseconds(1_500)),
    ])
    func durations(text: String, expected: Duration) {
        #expect(ConfigUnits.duration(text) == expected)
    }

    @Test("sizes", arguments: [("65536", Int64(65_536)), ("64KiB", 65_536), ("1GiB", 1 << 30), ("512MB", 512_000_000), ("2 MiB", 2 << 20)])
    func sizes(text: String, expected: Int64) {
        #expect(ConfigUnits.bytes(text) == expected)
    }

    @Test("an edge of a pair shares the site's session id, keeps its own connection on the alert, watch, owner and heartbeat topics, and guards its session against a stall")
    func ownershipSection() throws {
        let config = try EdgeConfiguration.parse("""
            edge: {id: seoul-a, site: seoul}
            ownership: {heartbeat_interval: 200ms, heartbeat_timeout: 1500ms}
            """, path: "edge.yaml")
        let ownership = try #require(config.ownership)
        #expect(config.mqtt.clientID == "haetae-seoul")
        #expect(config.mqtt.keepalive == 5)
        #expect(config.mqtt.stallProbe?.topic == "haetae/seoul/probe/seoul-a")
        #expect(config.mqtt.stallProbe?.threshold == .seconds(1))
        #expect(ownership.control.clientID == "haetae-seoul-a")
        #expect(ownership.control.cleanSession)
        #expect(ownership.control.subscriptions == ["haetae/seoul/alerts/+", "haetae/seoul/watch", "haetae/seoul/watch/changes", "haetae/seoul/owner", "haetae/seoul/heartbeat"])
        #expect(ownership.settings.heartbeatIntervalNanos == 200_000_000)
        #expect(ownership.settings.heartbeatTimeoutNanos == 1_500_000_000)
        #expect(ownership.settings.leaseNanos == 1_000_000_000, "two thirds of the timeout by default")

        let lone = try EdgeConfiguration.parse("edge: {id: seoul-a, site: seoul}\n", path: "edge.yaml")
        #expect(lone.ownership == nil)
        #expect(lone.mqtt.clientID == "haetae-seoul-a")
        #expect(lone.mqtt.stallProbe?.threshold == .seconds(30), "a lone edge's persistent session: the keepalive")
    }
}
