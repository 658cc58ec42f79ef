/// Everything an ``MQTTClient`` needs to reach one broker and hold one session.
///
/// The defaults give the gateway's guarantee (DESIGN §4): a persistent session
/// (`cleanSession == false`, fixed `clientID`) and QoS 1 subscriptions.
///
/// ```swift
/// var configuration = MQTTConfiguration(host: "mosquitto", port: 1883, clientID: "haetae-edge-seoul-a")
/// configuration.subscriptions = ["$share/haetae/factory/#"]
/// configuration.protocolVersion = .v5
/// ```
///
/// `description` and `dump` never show the password.
public struct MQTTConfiguration: Sendable {
    /// Broker host name or address.
    public var host: String
    /// Broker port (1883 plain, 8883 TLS by convention).
    public var port: Int
    /// Client identifier; must be fixed for a persistent session.
    public var clientID: String
    /// `false` keeps a persistent session: the broker queues QoS ≥ 1 messages while we are away.
    public var cleanSession: Bool
    /// Keepalive in seconds (libmosquitto requires 5…65535).
    public var keepalive: Int
    /// Optional user name for the broker's password file.
    public var username: String?
    /// Optional password; never logged, never part of any `description`.
    public var password: String?
    /// TLS settings; `nil` means plain TCP.
    public var tls: TLS?
    /// MQTT protocol level sent in CONNECT.
    public var protocolVersion: ProtocolVersion
    /// Topic filters subscribed after every CONNACK, including `$share/group/filter`.
    public var subscriptions: [String]
    /// QoS requested for every subscription (0, 1 or 2).
    public var qos: Int
    /// Delays between reconnection attempts.
    public var reconnect: ReconnectPolicy
    /// MQTT 5 only: the session-expiry-interval sent on CONNECT when `cleanSession` is false.
    /// Without it an MQTT 5 session ends at disconnect. `UInt32.max` means "never expires".
    public var sessionExpiryInterval: UInt32
    /// QoS 1 messages this client publishes that may await PUBACK at once; more wait in
    /// libmosquitto's queue. 0 = no limit. (libmosquitto's default of 20 throttles a
    /// publisher to one window per round trip.)
    public var maxInflightPublishes: Int
    /// MQTT 5 only: subscribe with No Local, so the broker does not send this client back what
    /// it publishes itself (a gateway that subscribes to `factory/#` and publishes commands to
    /// `factory/…/cmd` would otherwise receive its own commands as input). Ignored with 3.1.1,
    /// and when any filter is a shared subscription (`$share/…`), where MQTT 5 forbids it.
    public var noLocal: Bool
    /// A persistent session's guard against handling a message twice after the process
    /// stalled (see ``StallProbe``); nil: none.
    public var stallProbe: StallProbe?

    public init(
        host: String = "127.0.0.1",
        port: Int = 1883,
        clientID: String,
        cleanSession: Bool = false,
        keepalive: Int = 30,
        username: String? = nil,
        password: String? = nil,
        tls: TLS? = nil,
        protocolVersion: ProtocolVersion = .v311,
        subscriptions: [String] = [],
        qos: Int = 1,
        reconnect: ReconnectPolicy = ReconnectPolicy(),
        sessionExpiryInterval: UInt32 = .max,
        maxInflightPublishes: Int = 1_000,
        noLocal: Bool = false,
        stallProbe: StallProbe? = nil
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.cleanSession = cleanSession
        self.keepalive = keepalive
        self.username = username
        self.password = password
        self.tls = tls
        self.protocolVersion = protocolVersion
        self.subscriptions = subscriptions
        self.qos = qos
        self.reconnect = reconnect
        self.sessionExpiryInterval = sessionExpiryInterval
        self.maxInflightPublishes = maxInflightPublishes
        self.noLocal = noLocal
        self.stallProbe = stallProbe
    }

    /// The MQTT protocol level.
    public enum ProtocolVersion: Sendable, Equatable, CustomStringConvertible {
        case v311
        case v5

        public var description: String {
            switch self {
            case .v311: "3.1.1"
            case .v5: "5"
            }
        }
    }

    /// TLS files (PEM) for `mosquitto_tls_set`.
    public struct TLS: Sendable, Equatable {
        /// CA certificate(s) that must have signed the broker's certificate.
        public var caFile: String
        /// Client certificate, for brokers with `require_certificate true`.
        public var certFile: String?
        /// Client private key (unencrypted PEM), paired with `certFile`.
        public var keyFile: String?
        /// Skips certificate and host-name verification. Tests and emergencies only.
        public var insecureSkipVerify: Bool

        public init(caFile: String, certFile: String? = nil, keyFile: String? = nil, insecureSkipVerify: Bool = false) {
            self.caFile = caFile
            self.certFile = certFile
            self.keyFile = keyFile
            self.insecureSkipVerify = insecureSkipVerify
        }
    }
}

extension MQTTConfiguration: CustomStringConvertible, CustomReflectable {
    /// Safe for logs: the password is never included, only whether one is set.
    public var description: String {
        var parts = [
            "host: \(host)", "port: \(port)", "clientID: \(clientID)", "cleanSession: \(cleanSession)",
            "protocol: \(protocolVersion)", "qos: \(qos)", "subscriptions: \(subscriptions)",
        ]
        if noLocal { parts.append("noLocal: true") }
        if let username { parts.append("username: \(username)") }
        if password != nil { parts.append("password: <redacted>") }
        if let tls { parts.append("tls: caFile \(tls.caFile)\(tls.insecureSkipVerify ? " (insecure)" : "")") }
        return "MQTTConfiguration(\(parts.joined(separator: ", ")))"
    }

    /// `dump()` and debuggers see the same redacted view.
    public var customMirror: Mirror {
        Mirror(self, children: ["description": description])
    }
}
