/// A configuration that cannot be used, with where the problem is.
///
/// `description` reads `edge.yaml:12: mqtt.port: expected …` for a file value and
/// `HAETAE_MQTT_PORT (mqtt.port): expected …` for an environment override. It never contains
/// a secret's value.
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Where the bad value came from.
    public enum Source: Sendable, Equatable {
        case file(path: String, line: Int?)
        case environment(variable: String)
    }

    public var source: Source
    /// The dotted key, e.g. `mqtt.port`; empty for a problem with the whole file.
    public var key: String
    public var reason: String

    public init(source: Source, key: String, reason: String) {
        self.source = source
        self.key = key
        self.reason = reason
    }

    public var description: String {
        let keyPart = key.isEmpty ? "" : "\(key): "
        switch source {
        case .file(let path, let line?): return "\(path):\(line): \(keyPart)\(reason)"
        case .file(let path, nil): return "\(path): \(keyPart)\(reason)"
        case .environment(let variable): return "\(variable)\(key.isEmpty ? "" : " (\(key))"): \(reason)"
        }
    }
}
