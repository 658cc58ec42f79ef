public import Readings

/// Where the Daejeon core keeps what the edges send: one protocol, two backends
/// (``SQLiteReadingStore`` by default, ``PostgresReadingStore`` at scale), held to the same tests.
///
/// Exactly once: a batch and its `(edge, seq)` key are committed in one transaction; a batch
/// whose key is already stored changes nothing and reports ``IngestOutcome/duplicate``.
public protocol ReadingStore: Sendable {
    /// Stores a decoded batch (DESIGN §3.4) with its idempotency key `(batch.edge, batch.seq)`.
    func ingest(_ batch: Batch, receivedAtMillis: Int64) async throws -> IngestOutcome

    /// Moves every reading stored so far into its final, compressed form now (backends that
    /// compact in the background do this by themselves; tests and `haetae-core` tools call it).
    func compact() async throws -> CompactionReport

    /// Stores alert notifications from an edge (the `data` objects of its webhooks), keyed by
    /// `(edge, alert_id, notification, at)` so a repeat changes nothing.
    func ingest(alerts: [AlertRecord]) async throws -> Int

    /// Files stop-command records from an edge (what it sent and what became of each) in the
    /// alarm audit log, each once however often it comes (by the edge and the record's
    /// ``Readings/CommandAttempt/key``); returns how many were new.
    func ingest(commands: [CommandAttempt], edge: String) async throws -> Int

    /// Keeps an edge's latest status report (replacing the one before), so a restarted core
    /// still knows every edge it heard from, and when.
    func record(edgeStatus: StoredEdgeStatus) async throws

    /// The latest status report of every edge, by edge name.
    func edgeStatuses() async throws -> [StoredEdgeStatus]

    /// Keeps device registry records (replacing each device's record before); a call of at most
    /// 1,000 records is one transaction.
    func record(devices: [StoredDevice]) async throws

    /// Every kept device registry record.
    func devices() async throws -> [StoredDevice]

    /// The series an edge's dictionary names, by key (what its dictionary batches defined):
    /// for a core restarted since, to name the series of batches that only use keys.
    func seriesKeys(edge: String, dictionary: Int64) async throws -> [UInt32: Series]

    /// Every site with its lines and devices, and how many series each device has.
    func sites() async throws -> [SiteSummary]

    /// Series matching the filter (exact names; nil = any), with counts and the latest value.
    func series(_ filter: SeriesFilter) async throws -> [SeriesInfo]

    /// Points of one series in `[from, to)` (epoch ms), ascending; with `step` (ms) and `agg`,
    /// one point per non-empty step bucket (bucket start = `from + k·step`), aggregated.
    ///
    /// Steps of whole hours from an hour boundary are answered from hourly rollups (exact, and
    /// still there after raw retention); other steps of an hour or more answer buckets before the
    /// raw-retention horizon from rollups with hour-accurate bucket edges; finer steps and raw
    /// points show only what raw retention kept. An unknown series gives no points.
    /// - Throws: ``ReadingStoreError/Code/invalidQuery`` for `step ≤ 0`.
    ///
    /// Raw points (no `step`) come a page at a time: at most `limit` (see ``ReadingsPage``).
    func readings(series: Int64, from: Int64, to: Int64, step: Int64?, aggregation: Aggregation, limit: Int) async throws -> ReadingsPage

    /// Every raw reading of one series with `ts` in `[from, to)` that the core stored at or after
    /// `storedSince` (epoch ms): its device `seq` and store time, ascending by `ts`. For end-to-end
    /// checks (`haetae-sim --verify-core`); raw retention applies. An unknown series gives none.
    /// At most `limit` rows; ``Delivery/nextFrom`` says where the next page starts.
    func delivery(series: Int64, from: Int64, to: Int64, storedSince: Int64, limit: Int) async throws -> Delivery

    /// Alerts, one per `alert_id` as its latest notification, newest first. One alert may be
    /// fired by one edge of a site's pair and resolved by the other after a takeover (the id is
    /// derived from the rule, site, line, device, sensor and start, so it is the same on both).
    /// - Throws: ``ReadingStoreError/Code/invalidQuery`` for a status other than firing/resolved.
    func alerts(_ filter: AlertFilter) async throws -> [AlertRecord]

    /// Records an operator's action on alarms and its audit entry, in one transaction (see
    /// ``AlarmActionOutcome`` for what does not change anything). Shelves that ended are ignored.
    func record(_ request: AlarmActionRequest) async throws -> AlarmActionOutcome

    /// The shelves in effect at `nowMillis` and the parts out of service of one site, or of every
    /// site when `site` is nil (then ``AlarmSuppressions/site`` is empty). Oldest first.
    func suppressions(site: String?, nowMillis: Int64) async throws -> AlarmSuppressions

    /// The acknowledgements of the given alerts, by alert id (those not acknowledged are absent).
    func acknowledgements(alertIDs: [String]) async throws -> [String: Acknowledgement]

    /// Alerts that started firing at or after `sinceMillis` (their `firing` notifications, one
    /// row per edge that sent it), oldest first, at most `limit` (the newest, when there are more);
    /// of one site or every site.
    func alertStarts(site: String?, sinceMillis: Int64, limit: Int) async throws -> [AlertStart]

    /// The alarm audit log, newest filed first: of one site, or every site when `site` is nil;
    /// operators' actions, stop commands, or both.
    func alarmAudit(site: String?, kind: AuditKind, limit: Int) async throws -> [AlarmAuditEntry]

    /// Drops raw readings older than `rawBefore`, hourly rollups of hours that end at or before
    /// `rollupBefore` (epoch ms), and `(edge, seq)` keys of batches received before `rollupBefore`
    /// (keys must outlive any retry an edge can still send; its spool bounds that). Idempotent.
    func applyRetention(rawBefore: Int64, rollupBefore: Int64) async throws

    /// Totals for `/metrics` and `/readyz`.
    func statistics() async throws -> StoreStatistics

    /// Closes connections (idempotent).
    func close() async
}

/// What happened to a posted batch.
public enum IngestOutcome: Sendable, Equatable {
    /// Stored now: this many readings.
    case stored(readings: Int)
    /// `(edge, seq)` was stored before; nothing changed.
    case duplicate
}

/// Downsampling function for `GET /api/v1/readings?step=&agg=`.
public enum Aggregation: String, Sendable, CaseIterable {
    case avg, min, max, last
}

/// One point of a series.
/// One page of ``ReadingStore/readings(series:from:to:step:aggregation:limit:)``.
public struct ReadingsPage: Sendable, Equatable {
    public var points: [Point]
    /// Raw points only: where the next page starts (ask again with `from` = this), nil when
    /// the range is done. Rows of one time stamp are never split between pages.
    public var nextFrom: Int64?

    public init(points: [Point], nextFrom: Int64? = nil) {
        self.points = points
        self.nextFrom = nextFrom
    }
}

/// Which entries of the alarm audit log (`GET /api/v1/alarms/audit?kind=`).
public enum AuditKind: String, Sendable, CaseIterable {
    case all
    /// What operators did (every action but ``AlarmAuditEntry/stopCommand``).
    case actions
    /// The stop commands edges sent and what became of them.
    case commands

    /// The number both stores' queries test (0 all, 1 actions, 2 commands).
    var code: Int { self == .all ? 0 : self == .actions ? 1 : 2 }
}

extension ReadingStore {
    /// Every kind of entry.
    public func alarmAudit(site: String?, limit: Int) async throws -> [AlarmAuditEntry] {
        try await alarmAudit(site: site, kind: .all, limit: limit)
    }

    /// Every point in the range at once (no page limit): for callers that bound the range themselves.
    public func readings(series: Int64, from: Int64, to: Int64, step: Int64?, aggregation: Aggregation) async throws -> [Point] {
        try await readings(series: series, from: from, to: to, step: step, aggregation: aggregation, limit: .max).points
    }

    /// Every delivery row in the range at once (no page limit).
    public func delivery(series: Int64, from: Int64, to: Int64, storedSince: Int64) async throws -> Delivery {
        try await delivery(series: series, from: from, to: to, storedSince: storedSince, limit: .max)
    }
}

public struct Point: Sendable, Equatable {
    public var ts: Int64
    public var value: Double

    public init(ts: Int64, value: Double) {
        self.ts = ts
        self.value = value
    }
}

/// `GET /api/v1/series?site=&line=&device=&sensor=&limit=&after=`: exact names (nil = any), and
/// a page of at most `limit` series with ids greater than `afterID` (series come by ascending id).
public struct SeriesFilter: Sendable, Equatable {
    public var site: String?
    public var line: String?
    public var device: String?
    public var sensor: String?
    /// At most this many series (nil: all).
    public var limit: Int?
    /// Only series with a greater id: the last id of the page before.
    public var afterID: Int64?

    public init(
        site: String? = nil, line: String? = nil, device: String? = nil, sensor: String? = nil, limit: Int? = nil,
        afterID: Int64? = nil
    ) {
        self.site = site
        self.line = line
        self.device = device
        self.sensor = sensor
        self.limit = limit
        self.afterID = afterID
    }
}

/// A site and what is in it (`GET /api/v1/sites`).
public struct SiteSummary: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var name: String
        /// Device name → number of series.
        public var devices: [String: Int]

        public init(name: String, devices: [String: Int]) {
            self.name = name
            self.devices = devices
        }
    }

    public var name: String
    public var lines: [Line]
    /// The newest reading's ts at the site.
    public var lastTs: Int64

    public init(name: String, lines: [Line], lastTs: Int64) {
        self.name = name
        self.lines = lines
        self.lastTs = lastTs
    }
}

/// One alert notification as the core keeps it (the webhook `data` object plus its kind).
public struct AlertRecord: Sendable, Equatable {
    public var edge: String
    public var alertID: String
    public var rule: String
    public var severity: String
    /// `firing` or `resolved`.
    public var status: String
    /// `firing`, `repeat` or `resolved`.
    public var notification: String
    public var site: String
    public var line: String
    public var device: String
    public var sensor: String
    public var value: Double?
    public var startedAtMillis: Int64
    public var endedAtMillis: Int64?
    /// When this notification happened.
    public var atMillis: Int64
    /// The whole `data` object as JSON text (labels, annotations …), returned as sent.
    public var json: String

    public init(
        edge: String, alertID: String, rule: String, severity: String, status: String, notification: String, site: String,
        line: String, device: String, sensor: String, value: Double?, startedAtMillis: Int64, endedAtMillis: Int64?,
        atMillis: Int64, json: String
    ) {
        self.edge = edge
        self.alertID = alertID
        self.rule = rule
        self.severity = severity
        self.status = status
        self.notification = notification
        self.site = site
        self.line = line
        self.device = device
        self.sensor = sensor
        self.value = value
        self.startedAtMillis = startedAtMillis
        self.endedAtMillis = endedAtMillis
        self.atMillis = atMillis
        self.json = json
    }
}

/// `GET /api/v1/alerts?status=&site=&since=&limit=`. `status: "firing"` means the alert's
/// latest notification is not a resolve (currently firing); `"resolved"` the opposite.
/// `sinceMillis` keeps alerts whose latest notification is at or after it.
public struct AlertFilter: Sendable, Equatable {
    public var status: String?
    public var site: String?
    public var sinceMillis: Int64?
    public var limit: Int
    /// Critical first, then warning, then the rest, each newest first (instead of newest first):
    /// what the page asks for, so a flood of warnings never pushes a critical alert off the list.
    public var severityFirst: Bool

    public init(status: String? = nil, site: String? = nil, sinceMillis: Int64? = nil, limit: Int = 500, severityFirst: Bool = false) {
        self.status = status
        self.site = site
        self.sinceMillis = sinceMillis
        self.limit = limit
        self.severityFirst = severityFirst
    }

    /// The SQL rank of a severity for ``severityFirst`` (the same in both stores).
    static let severityRank = "CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END"
}

/// Totals for metrics.
public struct StoreStatistics: Sendable, Equatable {
    /// Readings ever stored (exactly once); retention does not lower it.
    public var readings: Int64
    public var series: Int64
    /// `(edge, seq)` keys held (retention drops old ones).
    public var batches: Int64
    /// Size of the database (SQLite: the main file; PostgreSQL: `pg_database_size`).
    public var bytes: Int64
    /// Readings stored but not yet compacted into blocks.
    public var headReadings: Int64

    public init(readings: Int64, series: Int64, batches: Int64, bytes: Int64, headReadings: Int64 = 0) {
        self.readings = readings
        self.series = series
        self.batches = batches
        self.bytes = bytes
        self.headReadings = headReadings
    }
}
