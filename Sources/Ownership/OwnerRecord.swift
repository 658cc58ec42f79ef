/// Who holds a site's MQTT session: the retained message on `haetae/<site>/owner`.
///
/// Edges of one site claim the session by publishing `active` records with a rising `epoch`; the
/// first `active` record of an epoch in the broker's order wins (every subscriber sees one
/// topic's messages in the same order). The owner's session connection carries a will that
/// publishes `released` for its epoch when the broker loses it (kill -9, a node gone, keepalive).
public struct OwnerRecord: Equatable, Sendable, CustomStringConvertible {
    public enum State: String, Sendable {
        /// `edge` claims (or holds) the session for `epoch`.
        case active
        /// The session connection of `epoch` is gone: the next epoch may be claimed.
        case released
    }

    /// The edge id (`edge.id` in its configuration).
    public var edge: String
    /// Increases with every claim; 1 for the first.
    public var epoch: UInt64
    public var state: State

    public init(edge: String, epoch: UInt64, state: State) {
        self.edge = edge
        self.epoch = epoch
        self.state = state
    }

    public var description: String { "\(state.rawValue)(\(edge), epoch \(epoch))" }

    /// The topic of a site's record. `site` must be a valid topic level (checked by the edge's
    /// configuration).
    public static func topic(site: String) -> String { "haetae/\(site)/owner" }

    /// Where an edge publishes the probe of its session connection after a stall (``MQTT``'s
    /// `StallProbe`); nobody reads it, the broker's acknowledgement is the answer.
    public static func probeTopic(site: String, edge: String) -> String { "haetae/\(site)/probe/\(edge)" }

    /// Where the active publishes its heartbeat (`active(self, epoch)`, QoS 1, not retained).
    public static func heartbeatTopic(site: String) -> String { "haetae/\(site)/heartbeat" }
}
