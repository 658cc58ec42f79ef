/// What the site's active edge watches with `absent` rules, left on the site broker for the edge
/// that takes its session next. The new active arms its `absent` rules from these times, so a
/// device that fell silent before the takeover is still flagged (its engine never had a reading
/// of it).
///
/// Two retained records carry it (``WatchRecordSchedule`` decides which goes out when): a full
/// one on `haetae/<site>/watch`, made at a takeover and when the changes have grown, and every
/// few seconds the changes since that full one on `haetae/<site>/watch/changes`
/// (``baseAtMillis`` names the full record they apply to). A series that was reporting when a record was made carries no time (it may
/// have reported until the takeover); only silent ones carry when they were last seen. So in a
/// plant where devices report, the record every few seconds is a few hundred bytes, whatever
/// the number of series (a full record at 100,000 series was 8.7 MB every 5 s before).
public struct HandedOverWatch: Equatable, Sendable {
    /// One watched series and when the active last had a reading of it.
    public struct Series: Equatable, Sendable {
        public var site: String
        public var line: String
        public var device: String
        public var sensor: String
        public var unit: String
        public var lastSeenMillis: Int64

        public init(site: String, line: String, device: String, sensor: String, unit: String, lastSeenMillis: Int64) {
            self.site = site
            self.line = line
            self.device = device
            self.sensor = sensor
            self.unit = unit
            self.lastSeenMillis = lastSeenMillis
        }

        /// The series without its time: what identifies it across records.
        public var key: Key { Key(site: site, line: line, device: device, sensor: sensor, unit: unit) }
    }

    /// A series by name.
    public struct Key: Hashable, Sendable {
        public var site: String
        public var line: String
        public var device: String
        public var sensor: String
        public var unit: String
    }

    /// How often the active publishes a record (full or changes).
    public static let intervalMillis: Int64 = 5_000
    /// A series seen this long before a record was made or later was still reporting then: it is
    /// sent without its time and counts as seen at the takeover. Longer than the interval
    /// between two records, so a reporting series is never taken for a silent one.
    public static let reportingWithinMillis: Int64 = intervalMillis + 1_000

    /// The epoch of the owner that published it.
    public var epoch: UInt64
    public var edge: String
    /// When it was made (milliseconds since the epoch): a series seen shortly before was still
    /// reporting then, and may have reported until the takeover.
    public var atMillis: Int64
    /// Nil for a full record; for changes, the ``atMillis`` of the full record they apply to.
    public var baseAtMillis: Int64?
    /// A full record: every watched series. Changes: the series whose state (reporting, or
    /// silent since a time) differs from the full record's, or that it does not have.
    public var series: [Series]

    public init(epoch: UInt64, edge: String, atMillis: Int64, baseAtMillis: Int64? = nil, series: [Series]) {
        self.epoch = epoch
        self.edge = edge
        self.atMillis = atMillis
        self.baseAtMillis = baseAtMillis
        self.series = series
    }

    /// Whether `series` was reporting when this record was made.
    public func isReporting(_ series: Series) -> Bool {
        series.lastSeenMillis >= atMillis - Self.reportingWithinMillis
    }

    /// When the new active should take `series` as last seen, at `takeoverMillis`: its time in the
    /// record if it was already silent then, else the takeover (it may have reported until then:
    /// never an `absent` alert too early).
    public func lastSeen(of series: Series, takeoverMillis: Int64) -> Int64 {
        isReporting(series) ? max(series.lastSeenMillis, takeoverMillis) : series.lastSeenMillis
    }

    /// This full record brought up to date by `changes` made on it: a series in the changes
    /// takes their state, one only here that was reporting counts as reporting when the changes
    /// were made (it would be among them otherwise). Nil when `changes` belong to another full
    /// record (an older one, or one not seen yet): then this record alone is the latest known.
    public func applying(_ changes: HandedOverWatch) -> HandedOverWatch? {
        guard baseAtMillis == nil, changes.baseAtMillis == atMillis, changes.epoch == epoch, changes.edge == edge else { return nil }
        var changed: [Key: Series] = [:]
        changed.reserveCapacity(changes.series.count)
        for entry in changes.series { changed[entry.key] = entry }
        var merged: [Series] = []
        merged.reserveCapacity(series.count + changes.series.count)
        for var entry in series {
            let key = entry.key
            if let update = changed.removeValue(forKey: key) {
                merged.append(update)
            } else {
                if isReporting(entry) { entry.lastSeenMillis = max(entry.lastSeenMillis, changes.atMillis) }
                merged.append(entry)
            }
        }
        // New series since the full record, in the order the changes list them.
        for entry in changes.series where changed[entry.key] != nil { merged.append(entry) }
        return HandedOverWatch(epoch: epoch, edge: edge, atMillis: changes.atMillis, series: merged)
    }

    /// The full record's topic.
    public static func topic(site: String) -> String { "haetae/\(site)/watch" }
    /// The changes' topic.
    public static func changesTopic(site: String) -> String { "haetae/\(site)/watch/changes" }
}
