/// What the client's session looks like from outside.
public enum MQTTConnectionState: Sendable, Equatable, CustomStringConvertible {
    /// Connecting, waiting for CONNACK, or waiting for SUBACK of the configured subscriptions.
    case connecting
    /// CONNACK accepted and every configured subscription acknowledged: messages flow.
    case connected
    /// Not connected; `reason` says why (refused CONNACK, TLS failure, connection lost,
    /// stopped). Safe for logs. The client retries by itself unless it was stopped.
    case disconnected(reason: String)

    public var description: String {
        switch self {
        case .connecting: "connecting"
        case .connected: "connected"
        case .disconnected(let reason): "disconnected (\(reason))"
        }
    }
}
