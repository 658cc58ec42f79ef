/// Timings of a site's active/standby election. Nanoseconds on the caller's monotonic clock.
public struct OwnershipSettings: Sendable, Equatable {
    /// After the edge's own connection subscribed to the owner topic: how long to wait for the
    /// retained record before deciding (mosquitto sends it right after the SUBACK).
    public var settleNanos: UInt64
    /// A claim that neither won nor lost within this long (its publish was lost with the
    /// connection) is given up, and the edge looks again.
    public var claimTimeoutNanos: UInt64
    /// The session connection's keepalive: mosquitto drops a client it heard nothing from for
    /// 1.5 × keepalive, publishes its will, and only then may a standby claim.
    public var keepaliveNanos: UInt64
    /// Subtracted from the lease for the broker's clock and its one-second checks.
    public var leaseMarginNanos: UInt64

    public init(
        settleNanos: UInt64 = 300_000_000, claimTimeoutNanos: UInt64 = 3_000_000_000,
        keepaliveNanos: UInt64 = 2_000_000_000,
        leaseMarginNanos: UInt64 = 200_000_000
    ) {
        self.settleNanos = settleNanos
        self.claimTimeoutNanos = claimTimeoutNanos
        self.keepaliveNanos = keepaliveNanos
        self.leaseMarginNanos = leaseMarginNanos
    }

    /// How long after a heartbeat left the edge the broker cannot have dropped the session
    /// connection for silence: it received the heartbeat after it was sent, and waits
    /// 1.5 × keepalive after the last packet it received.
    public var leaseNanos: UInt64 { keepaliveNanos * 3 / 2 - min(leaseMarginNanos, keepaliveNanos) }

    /// How often the active publishes the heartbeat whose acknowledgement renews the lease.
    public var heartbeatIntervalNanos: UInt64 { max(keepaliveNanos / 4, 50_000_000) }
}
