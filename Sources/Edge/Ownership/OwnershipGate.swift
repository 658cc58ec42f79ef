import Synchronization

/// Whether this edge may act now (send alerts and stop commands): it holds the site's session
/// with a valid lease (``Ownership/SiteOwnership/mayAct(nowNanos:)``). Written by the ownership
/// service, read on the ingest thread before every action without a lock. A lone edge's gate
/// is always open.
final class OwnershipGate: Sendable {
    /// Monotonic nanoseconds until which actions are allowed; `.max` for a lone edge, 0 for a
    /// standby.
    private let leaseUntil: Atomic<UInt64>

    init(lone: Bool) {
        leaseUntil = Atomic(lone ? .max : 0)
    }

    func mayAct(nowNanos: UInt64) -> Bool {
        nowNanos < leaseUntil.load(ordering: .acquiring)
    }

    var isActive: Bool { leaseUntil.load(ordering: .acquiring) > 0 }

    func update(leaseUntilNanos: UInt64) {
        leaseUntil.store(leaseUntilNanos, ordering: .releasing)
    }
}
