/// A series as the page lists it, from the core's store or an edge's recent readings
/// (`GET /api/v1/series` → `{"series":[{"id","site","line","device","sensor","unit","count","first_ts","last_ts","last_value"}]}`).
public struct SeriesInfo: Sendable, Equatable {
    public var id: Int64
    public var series: Series
    public var count: Int64
    public var firstTs: Int64
    public var lastTs: Int64
    public var lastValue: Double

    public init(id: Int64, series: Series, count: Int64, firstTs: Int64, lastTs: Int64, lastValue: Double) {
        self.id = id
        self.series = series
        self.count = count
        self.firstTs = firstTs
        self.lastTs = lastTs
        self.lastValue = lastValue
    }
}
