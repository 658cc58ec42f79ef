/// How a rule's MQTT action (a stop command) closes the loop: the reply that confirms it, how
/// long to wait, how often to send it again, and the least time between two commands of the
/// rule to one device. Written in a rule file as
///
/// ```yaml
/// - mqtt:
///     topic: "factory/{site}/{line}/{device}/cmd"
///     payload: '{"cmd":"stop"}'
///     qos: 1
///     confirm: {topic: "factory/{site}/{line}/{device}/state", payload: stopped, within: 5s, retries: 2}
///     cooldown: 30s
/// ```
public struct CommandLoopSettings: Sendable, Hashable {
    /// The reply that confirms a command, its topic a template.
    public typealias Confirmation = CommandConfirmation<Template>

    public var confirm: Confirmation?
    /// A command of this rule to the same topic within this long after the last one is not
    /// sent (recorded as such): one hazard that flaps never sends a burst of commands. 0: off.
    public var cooldownMillis: Int64

    public init(confirm: Confirmation? = nil, cooldownMillis: Int64 = 0) {
        self.confirm = confirm
        self.cooldownMillis = cooldownMillis
    }

    /// Most `retries`.
    public static let maxRetries = 10

    /// The keys `confirm:` may have.
    static let confirmKeys = ["payload", "retries", "topic", "within"]
}

/// ``CommandLoopSettings`` for one alert: its confirmation topic filled in.
public struct RenderedCommandLoop: Sendable, Hashable {
    public typealias Confirmation = CommandConfirmation<String>

    public var confirm: Confirmation?
    public var cooldownMillis: Int64

    public init(confirm: Confirmation? = nil, cooldownMillis: Int64 = 0) {
        self.confirm = confirm
        self.cooldownMillis = cooldownMillis
    }
}

/// The reply that confirms a stop command: a message on `topic` whose payload contains
/// `payload`; `Topic` is a ``Template`` in a rule and the filled-in topic for one alert.
public struct CommandConfirmation<Topic: Sendable & Hashable>: Sendable, Hashable {
    public var topic: Topic
    /// Text the confirming payload contains (`stopped`; empty: any message on the topic).
    public var payload: String
    /// How long to wait for it after each send.
    public var withinMillis: Int64
    /// Sends after the first, each after a `within` without confirmation; then an escalation alert.
    public var retries: Int

    public init(topic: Topic, payload: String, withinMillis: Int64, retries: Int) {
        self.topic = topic
        self.payload = payload
        self.withinMillis = withinMillis
        self.retries = retries
    }
}
