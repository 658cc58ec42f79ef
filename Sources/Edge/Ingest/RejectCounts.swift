public import Readings

/// Rejected messages counted by reason, in a fixed array indexed by the reason's position, so
/// counting on the receive thread is an array increment.
public struct RejectCounts: Sendable, Equatable {
    private static let reasons = RejectReason.allCases
    private var counts = [Int](repeating: 0, count: RejectReason.allCases.count)

    public init() {}

    public subscript(reason: RejectReason) -> Int {
        get { counts[Self.index(of: reason)] }
        set { counts[Self.index(of: reason)] = newValue }
    }

    public var total: Int { counts.reduce(0, +) }

    /// The reasons with a non-zero count.
    public var nonZero: [(reason: RejectReason, count: Int)] {
        zip(Self.reasons, counts).filter { $0.1 > 0 }.map { ($0.0, $0.1) }
    }

    public mutating func add(_ other: RejectCounts) {
        for index in counts.indices { counts[index] += other.counts[index] }
    }

    private static func index(of reason: RejectReason) -> Int {
        // allCases is small (7); a linear scan beats hashing the raw value.
        reasons.firstIndex(of: reason)!
    }
}
