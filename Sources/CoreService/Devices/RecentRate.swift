import Readings

/// Readings per second over the last ten minutes, in one-minute buckets. Pure value type.
public struct RecentRate: Sendable, Equatable, Codable {
    /// Readings in each of the last ``minutes`` minutes; `counts[0]` is minute `newestMinute`.
    private var counts = [Int64](repeating: 0, count: RecentRate.minutes)
    private var newestMinute: Int64?

    public static let minutes = 10

    public init() {}

    /// Counts `readings` taken at `atMillis` (a time earlier than the window is dropped).
    public mutating func add(_ readings: Int, atMillis: Int64) {
        let minute = atMillis / 60_000
        advance(to: minute)
        guard let newest = newestMinute, newest - minute < Int64(Self.minutes), minute <= newest else { return }
        counts[Int(newest - minute)] += Int64(readings)
    }

    /// Readings per second at `nowMillis`, over the last ten minutes or since `sinceMillis`
    /// when that is later (a device seen for a minute is not averaged over ten).
    public func perSecond(nowMillis: Int64, sinceMillis: Int64) -> Double {
        guard let newest = newestMinute else { return 0 }
        let nowMinute = nowMillis / 60_000
        var total: Int64 = 0
        for (age, count) in counts.enumerated() where nowMinute - (newest - Int64(age)) < Int64(Self.minutes) {
            total += count
        }
        let windowStart = max((nowMinute - Int64(Self.minutes) + 1) * 60_000, sinceMillis)
        let seconds = Double(max(nowMillis - windowStart, 1_000)) / 1_000
        return Double(total) / seconds
    }

    /// Whether a restored rate has the shape this type keeps.
    var isPlausible: Bool {
        counts.count == Self.minutes && counts.allSatisfy { (0...SeqTracker.countLimit).contains($0) }
            && (newestMinute ?? 0) >= 0 && (newestMinute ?? 0) <= BatchCodec.maxReceivedMillis / 60_000
    }

    private mutating func advance(to minute: Int64) {
        guard let newest = newestMinute else {
            newestMinute = minute
            return
        }
        guard minute > newest else { return }
        let shift = minute - newest
        if shift >= Int64(Self.minutes) {
            counts = [Int64](repeating: 0, count: Self.minutes)
        } else {
            counts = [Int64](repeating: 0, count: Int(shift)) + counts.dropLast(Int(shift))
        }
        newestMinute = minute
    }
}
