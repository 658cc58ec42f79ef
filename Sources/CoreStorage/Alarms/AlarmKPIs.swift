public import Readings

/// When one alert started firing (its `firing` notification), for the alarm KPIs.
public struct AlertStart: Sendable, Equatable {
    public var alertID: String
    public var point: AlarmPoint
    public var atMillis: Int64

    public init(alertID: String, point: AlarmPoint, atMillis: Int64) {
        self.alertID = alertID
        self.point = point
        self.atMillis = atMillis
    }
}

/// The alarm-system KPIs of EEMUA 191 / ANSI/ISA-18.2, per site, over a window: the alarm rate
/// per 10 minutes (target ≤ 1 on average; more than 10 in 10 minutes is a flood), standing
/// alarms (firing now), stale alarms (firing for more than 24 hours), unacknowledged ones, the
/// most frequent alarm points and the chattering ones (3 or more starts within a minute). Pure.
public struct AlarmKPIs: Sendable, Equatable {
    public struct Site: Sendable, Equatable {
        public var name: String
        /// Alarms that started in the last 10 minutes.
        public var lastTenMinutes: Int
        /// Alarms started per 10 minutes over the window.
        public var averagePerTenMinutes: Double
        /// The busiest 10 minutes of the window.
        public var peakTenMinutes: Int
        /// 10-minute periods of the window with more than ``floodThreshold`` alarms.
        public var floodPeriods: Int
        public var standing: Int
        public var stale: Int
        public var unacknowledged: Int
        public var chattering: Int
    }

    /// An alarm point and how often it started (for `chattering`: the most starts within a minute).
    public struct Point: Sendable, Equatable {
        public var point: AlarmPoint
        public var count: Int
    }

    public static let tenMinutes: Int64 = 600_000
    public static let floodThreshold = 10
    public static let staleAfterMillis: Int64 = 86_400_000
    public static let chatterWindowMillis: Int64 = 60_000
    public static let chatterStarts = 3

    public var windowMillis: Int64
    public var sites: [Site]
    /// The 10 most frequent alarm points of the window.
    public var top: [Point]
    public var chattering: [Point]

    /// - Parameters:
    ///   - starts: alerts that started within the window (one per alert id).
    ///   - firing: alerts firing now (their latest notification is not a resolve).
    ///   - acknowledged: the ids of acknowledged alerts among `firing`.
    public static func compute(
        starts: [AlertStart], firing: [AlertRecord], acknowledged: Set<String>, nowMillis: Int64, windowMillis: Int64
    ) -> AlarmKPIs {
        let windowMillis = max(tenMinutes, windowMillis)
        let periods = Int((windowMillis + tenMinutes - 1) / tenMinutes)
        var seen = Set<String>()
        let unique = starts.filter { nowMillis - $0.atMillis < windowMillis && $0.atMillis <= nowMillis && seen.insert($0.alertID).inserted }
        var buckets: [String: [Int]] = [:]
        var byPoint: [AlarmPoint: [Int64]] = [:]
        for start in unique {
            let period = Int((nowMillis - start.atMillis) / tenMinutes)
            buckets[start.point.site, default: Array(repeating: 0, count: periods)][min(period, periods - 1)] += 1
            byPoint[start.point, default: []].append(start.atMillis)
        }
        var chattering: [Point] = []
        for (point, times) in byPoint {
            let sorted = times.sorted()
            var most = 0, first = 0
            for last in sorted.indices {
                while sorted[last] - sorted[first] >= chatterWindowMillis { first += 1 }
                most = max(most, last - first + 1)
            }
            if most >= chatterStarts { chattering.append(Point(point: point, count: most)) }
        }
        let siteNames = Set(buckets.keys).union(firing.map(\.site))
        let sites = siteNames.sorted().map { name -> Site in
            let counts = buckets[name] ?? Array(repeating: 0, count: periods)
            let firingHere = firing.filter { $0.site == name }
            return Site(
                name: name, lastTenMinutes: counts[0],
                averagePerTenMinutes: Double(counts.reduce(0, +)) / Double(periods), peakTenMinutes: counts.max() ?? 0,
                floodPeriods: counts.filter { $0 > floodThreshold }.count, standing: firingHere.count,
                stale: firingHere.filter { nowMillis - $0.startedAtMillis > staleAfterMillis }.count,
                unacknowledged: firingHere.filter { !acknowledged.contains($0.alertID) }.count,
                chattering: chattering.filter { $0.point.site == name }.count)
        }
        let order: (Point, Point) -> Bool = { ($0.count, $1.point.rule, $1.point.device) > ($1.count, $0.point.rule, $0.point.device) }
        let top = byPoint.map { Point(point: $0.key, count: $0.value.count) }.sorted(by: order).prefix(10)
        return AlarmKPIs(windowMillis: windowMillis, sites: sites, top: Array(top), chattering: chattering.sorted(by: order))
    }
}
