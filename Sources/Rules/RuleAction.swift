/// What a rule does when its alert fires or resolves, besides being listed in the alert API.
public enum RuleAction: Sendable, Hashable {
    /// Send to the webhook receiver of this name (checked against the config by the caller).
    case webhook(receiver: String)
    /// Publish on the broker; topic and payload are templates; `loop` says how it is confirmed.
    case mqtt(topic: Template, payload: Template, qos: Int, loop: CommandLoopSettings)

    /// The action keys an `actions:` item may have.
    static let kinds = ["mqtt", "webhook"]
    /// The keys an `mqtt:` action may have.
    static let mqttKeys = ["confirm", "cooldown", "payload", "qos", "topic"]
}

/// A ``RuleAction`` with its templates filled in for one alert.
public enum RenderedAction: Sendable, Hashable {
    case webhook(receiver: String)
    case mqtt(topic: String, payload: String, qos: Int, loop: RenderedCommandLoop)
    /// An MQTT action that must not be published: a value put into its topic is not one valid
    /// topic level (empty, or with `/`, `+`, `#` or NUL), so the topic would be another
    /// device's, a wildcard, or refused by the broker (the same for its confirmation topic).
    /// `topic` is the template as written.
    case unpublishable(topic: String, reason: String)
}
