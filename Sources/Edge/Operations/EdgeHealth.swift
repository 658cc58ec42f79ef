import Synchronization

/// The gateway's readiness, written by the MQTT and spool threads, read by `/readyz`.
public final class EdgeHealth: Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var mqttConnected = false
        public var mqttDetail = "connecting"
        public var spoolWritable = true
        public var spoolFull = false
        public var spoolDetail = ""

        /// Ready when the broker connection is up and the spool takes readings.
        public var isReady: Bool { mqttConnected && spoolWritable && !spoolFull }

        /// Why not ready, for `/readyz` and logs.
        public var problems: [String] {
            var problems: [String] = []
            if !mqttConnected { problems.append("mqtt: \(mqttDetail)") }
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
