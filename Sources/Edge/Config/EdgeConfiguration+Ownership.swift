import ConfigFile
import Foundation
import Ownership
public import MQTT
public import Ownership

/// `ownership:`: this edge is one of a site's active/standby pair (Deploy/README, "One owner
/// per site"). The pair shares one persistent MQTT session (`mqtt.client_id`, the same for
/// both); each edge also keeps a connection of its own, where it watches and claims the
/// site's owner record.
public struct OwnershipConfiguration: Sendable {
    /// This edge's own connection: clean session, subscribed to the handed-over alerts and watch, the owner and heartbeat topics.
    public var control: MQTTConfiguration
    public var settings: OwnershipSettings
}

extension EdgeConfiguration {
    static func readOwnership(
        _ reader: inout ConfigReader, edgeID: String, site: String, session: MQTTConfiguration, baseDirectory: String
    ) throws(ConfigError) -> OwnershipConfiguration? {
        guard reader.contains("ownership") else { return nil }
        guard !session.cleanSession else {
            throw reader.error("mqtt.clean_session", "an edge of a pair needs the persistent session (false): it is what the standby takes over")
        }
        guard session.qos == 1 else { throw reader.error("mqtt.qos", "an edge of a pair needs QoS 1: the broker keeps only QoS 1 for a session") }
        if let shared = session.subscriptions.first(where: { $0.hasPrefix("$share/") }) {
            throw reader.error("mqtt.topics", "\"\(shared)\": an edge of a pair holds the whole session; shared subscriptions are the other mode")
        }
        let clientID = try reader.string("ownership.client_id", default: "haetae-\(edgeID)")
        guard !clientID.isEmpty, clientID.utf8.count <= 256 else { throw reader.error("ownership.client_id", "must not be empty (at most 256 bytes)") }
        guard clientID != session.clientID else {
            throw reader.error("ownership.client_id", "must differ from mqtt.client_id (\(session.clientID)): the broker allows one connection per client id")
        }
        // Its own identity: a certificate of its own where the certificate is the identity (the
        // site's session certificate is shared by the pair), else the session's.
        var tls = session.tls
        let certFile = try reader.string("ownership.tls.cert_file", default: "")
        let keyFile = try reader.string("ownership.tls.key_file", default: "")
        if !certFile.isEmpty || !keyFile.isEmpty {
            guard var base = tls else { throw reader.error("ownership.tls.cert_file", "a client certificate needs mqtt.tls (its ca_file)") }
            guard !certFile.isEmpty, !keyFile.isEmpty else {
                throw reader.error(certFile.isEmpty ? "ownership.tls.cert_file" : "ownership.tls.key_file", "a client certificate needs both cert_file and key_file")
            }
            for (key, file) in [("ownership.tls.cert_file", certFile), ("ownership.tls.key_file", keyFile)]
            where !FileManager.default.isReadableFile(atPath: resolve(file, against: baseDirectory)) {
                throw reader.error(key, "cannot read \(resolve(file, against: baseDirectory))")
            }
            base.certFile = resolve(certFile, against: baseDirectory)
            base.keyFile = resolve(keyFile, against: baseDirectory)
            tls = base
        }
        let username = try reader.string("ownership.username", default: session.username ?? "")
        var password = session.password
        let passwordFile = try reader.string("ownership.password_file", default: "")
        if !passwordFile.isEmpty {
            let file = resolve(passwordFile, against: baseDirectory)
            do {
                password = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw reader.error("ownership.password_file", "cannot read \(file) (\(Self.reason(error)))")
            }
        }

        let defaults = OwnershipSettings()
        let nanos = { (duration: Duration) in UInt64(duration.nanoseconds) }  // bounded above: ≤ 300 s
        let interval = try reader.duration(
            "ownership.heartbeat_interval", default: .milliseconds(500), minimum: .milliseconds(50), maximum: .seconds(10))
        let timeout = try reader.duration(
            "ownership.heartbeat_timeout", default: .seconds(3), minimum: .milliseconds(200), maximum: .seconds(300))
        guard timeout >= interval * 3 else {
            throw reader.error("ownership.heartbeat_timeout", "must be at least 3 × heartbeat_interval (\(interval)): one late heartbeat must not hand the session over")
        }
        let lease = try reader.duration("ownership.lease", default: timeout * 2 / 3, minimum: .milliseconds(100), maximum: .seconds(300))
        guard lease < timeout else {
            throw reader.error("ownership.lease", "must be shorter than heartbeat_timeout (\(timeout)): the active stops acting before a standby may take over")
        }
        let settings = OwnershipSettings(
            settleNanos: nanos(try reader.duration("ownership.settle", default: .milliseconds(300), minimum: .milliseconds(10), maximum: .seconds(10))),
            claimTimeoutNanos: defaults.claimTimeoutNanos,
            heartbeatIntervalNanos: nanos(interval), heartbeatTimeoutNanos: nanos(timeout), leaseNanos: nanos(lease))

        let control = MQTTConfiguration(
            host: session.host, port: session.port, clientID: clientID, cleanSession: true, keepalive: 5,
            username: username.isEmpty ? nil : username, password: password, tls: tls, protocolVersion: session.protocolVersion,
            subscriptions: [
                // The alerts first: their retained records arrive before the owner record lets this edge claim.
                HandedOverAlert.topicFilter(site: site), HandedOverWatch.topic(site: site), HandedOverWatch.changesTopic(site: site),
                OwnerRecord.topic(site: site),
                OwnerRecord.heartbeatTopic(site: site),
            ], qos: 1,
            reconnect: ReconnectPolicy(initialDelay: .milliseconds(100), maxDelay: .seconds(2)))
        return OwnershipConfiguration(control: control, settings: settings)
    }
}
