/// Timings of a site's active/standby election. Nanoseconds on the caller's monotonic clock.
///
/// mosquitto 2.0 notices a client that stopped answering only after 1.5 × keepalive, checked
/// every 5 s (up to 13 s with libmosquitto's smallest keepalive, 5 s), too slow to take a
/// vanished node's session over within 5 s. So the active publishes a heartbeat on its session
/// connection, the standbys watch it, and a standby claims once the heartbeats stopped for
/// `heartbeatTimeoutNanos`. A closed connection (the process died) is quicker still: the
/// broker publishes the session's will at once.
public struct OwnershipSettings: Sendable, Equatable {
    /// After the edge's own connection subscribed to the owner topic: how long to wait for the
    /// retained record before deciding (mosquitto sends it right after the SUBACK).
    public var settleNanos: UInt64
    /// A claim that neither won nor lost within this long (its publish was lost with the
    /// connection) is given up, and the edge looks again.
    public var claimTimeoutNanos: UInt64
    /// How often the active publishes its heartbeat (QoS 1, on the session connection).
    public var heartbeatIntervalNanos: UInt64
    /// A standby that saw no heartbeat of the active for this long claims the next epoch.
    public var heartbeatTimeoutNanos: UInt64
    /// How long after a heartbeat left the active, once the broker acknowledged it, the active
    /// may act (alerts, stop commands). Shorter than `heartbeatTimeoutNanos` by what a
    /// heartbeat may take from the active through the broker to a standby, so a frozen or
    /// cut-off active has stopped acting before a standby can take over.
    public var leaseNanos: UInt64

    public init(
        settleNanos: UInt64 = 300_000_000, claimTimeoutNanos: UInt64 = 3_000_000_000,
        heartbeatIntervalNanos: UInt64 = 500_000_000, heartbeatTimeoutNanos: UInt64 = 3_000_000_000,
        leaseNanos: UInt64 = 2_000_000_000
    ) {
        self.settleNanos = settleNanos
        self.claimTimeoutNanos = claimTimeoutNanos
        self.heartbeatIntervalNanos = heartbeatIntervalNanos
        self.heartbeatTimeoutNanos = heartbeatTimeoutNanos
        self.leaseNanos = min(leaseNanos, heartbeatTimeoutNanos)
    }
}
