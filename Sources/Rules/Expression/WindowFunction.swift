/// The functions over a window of the current series, e.g. `avg(5s)`: the one explicit list.
///
/// Each is computed in O(1) from a ``WindowBuffer``; an empty window gives NaN (so comparisons
/// with it are false), except `count`, which gives 0.
enum WindowFunction: UInt8, Sendable, CaseIterable {
    /// Mean of the samples.
    case avg
    /// Smallest sample.
    case min
    /// Largest sample.
    case max
    /// Newest minus oldest sample.
    case delta
    /// `delta` per second between the oldest and newest sample; NaN with fewer than two
    /// samples or when they share a timestamp.
    case rate
    /// Number of samples.
    case count
    /// Population standard deviation.
    case stddev

    var name: String { "\(self)" }

    /// Whether the window must keep monotonic deques for this function.
    var needsExtremes: Bool { self == .min || self == .max }

    /// Every callable name, for "unknown function" messages (`absent` is not a window function
    /// but is called the same way).
    static let allNames = (allCases.map(\.name) + ["absent"]).sorted()
}
