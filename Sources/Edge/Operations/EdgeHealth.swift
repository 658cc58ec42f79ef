import Synchronization

/// The gateway's readiness, written by the MQTT and spool threads, read by `/readyz`.
public final class EdgeHealth: Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var mqttConnected = false
        public var mqttDetail = "connecting"
        public var spoolWritable = true
        public var spoolFull = false
        public var spoolDetail = ""
        /// One of a pair: its role (`active (epoch 3)`, `standby (active: seoul-b)`, …); nil for
        /// a lone edge.
        public var ownershipRole: String?
        /// One of a pair and not the active one: its session connection is held on purpose.
        public var standingBy = false
        /// One of a pair: its own connection (where it watches the active) is up.
        public var ownConnectionUp = false

        /// Ready when the broker connection is up and the spool takes readings. A standby is
        /// ready when it can watch the active (its own connection is up): it is the spare.
        public var isReady: Bool { (standingBy ? ownConnectionUp : mqttConnected) && spoolWritable && !spoolFull }

        /// Why not ready, for `/readyz` and logs.
        public var problems: [String] {
            var problems: [String] = []
            if standingBy {
                if !ownConnectionUp { problems.append("standing by without its own broker connection: cannot watch the active") }
            } else if !mqttConnected {
                problems.append("mqtt: \(mqttDetail)")
            }
            if !spoolWritable { problems.append("spool not writable: \(spoolDetail)") }
            if spoolFull { problems.append("spool full (on_full: block): not taking readings until there is room") }
            return problems
        }
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    public func update(_ change: (inout Snapshot) -> Void) {
        state.withLock { change(&$0) }
    }
}
