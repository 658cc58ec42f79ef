/// How far a device's clock is from its edge's, from the `ts` it sends and when the edge took
/// the readings (a batch's `received` window). Pure value type.
///
/// The edge took a batch's readings at some time in its window `[from, to]`, so a reading's
/// `ts − (from + to) / 2` is the device's offset give or take half the window. Each batch gives
/// the largest of its readings' offsets for the device: a message that waited (in the broker's
/// queue for a persistent session, in a device's own buffer) only makes its offset smaller, so
/// the largest is the one that waited least. The estimate is the median of the last ``kept``
/// batches, so a message with a wrong time now and then does not move it, while a clock that is
/// off moves it within a few batches. A device in step reads up to half a window ahead; only a
/// batch made entirely of messages that waited (a broker's backlog replayed) reads behind.
public struct ClockSkewEstimate: Sendable, Equatable, Codable {
    /// Batch offsets kept (milliseconds), newest last.
    private var offsets: [Int64] = []
    /// Half the width of each kept batch's window (milliseconds).
    private var halfWidths: [Int64] = []

    /// Batches the estimate is the median of.
    public static let kept = 15
    /// Offsets are clamped to ±10 days: beyond, the figure says nothing more.
    public static let clampMillis: Int64 = 864_000_000
    /// Any `ts` is first bounded to this (a window is at most ``Readings/BatchCodec/maxReceivedMillis``).
    static let tsBound: Int64 = 1 << 60

    public init() {}

    /// Adds one batch's figure: the largest of its readings' ``offset(ts:middle:)`` (the registry
    /// computes it while it walks the batch).
    mutating func add(batchOffsetMillis: Int64, window: ClosedRange<Int64>) {
        if offsets.count == Self.kept {
            offsets.removeFirst()
            halfWidths.removeFirst()
        }
        offsets.append(Self.clamp(batchOffsetMillis))
        halfWidths.append((window.upperBound - window.lowerBound + 1) / 2)
    }

    /// The middle of a window (its bounds are checked by the batch codec: no overflow).
    static func middle(of window: ClosedRange<Int64>) -> Int64 {
        window.lowerBound + (window.upperBound - window.lowerBound) / 2
    }

    /// One reading's offset against its batch's window, clamped. `ts` comes from devices through
    /// edges: it is bounded before the subtraction can overflow.
    static func offset(ts: Int64, middle: Int64) -> Int64 {
        clamp(min(max(ts, -tsBound), tsBound) - middle)
    }

    /// The device clock minus the edge clock (milliseconds), or nil before any batch.
    public var offsetMillis: Int64? { offsets.isEmpty ? nil : Self.median(offsets) }

    /// How much the estimate may be off because the edge's windows are wide (milliseconds).
    public var uncertaintyMillis: Int64 { halfWidths.isEmpty ? 0 : Self.median(halfWidths) }

    /// True when the clock is off by more than `thresholdMillis` beyond the uncertainty.
    public func isOff(thresholdMillis: Int64) -> Bool {
        guard let offset = offsetMillis else { return false }
        return abs(offset) > thresholdMillis + uncertaintyMillis
    }

    /// Whether a restored estimate has the shape this type keeps.
    var isPlausible: Bool {
        offsets.count == halfWidths.count && offsets.count <= Self.kept
            && offsets.allSatisfy { abs($0) <= Self.clampMillis } && halfWidths.allSatisfy { $0 >= 0 && $0 <= 1 << 44 }
    }

    static func clamp(_ value: Int64) -> Int64 { min(max(value, -clampMillis), clampMillis) }

    /// The median (the lower middle one of an even count).
    static func median(_ values: [Int64]) -> Int64 {
        let sorted = values.sorted()
        return sorted[(sorted.count - 1) / 2]
    }
}
