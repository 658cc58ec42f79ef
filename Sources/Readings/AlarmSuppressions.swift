/// Where an alarm is: a rule at a place. Shelving is per alarm point, not per alert, so a
/// known-bad sensor stays shelved through every episode of its alarm until the shelf runs out.
public struct AlarmPoint: Hashable, Sendable {
    public var rule: String
    public var site: String
    public var line: String
    public var device: String
    /// Empty for an alarm about a whole device.
    public var sensor: String

    public init(rule: String, site: String, line: String, device: String, sensor: String) {
        self.rule = rule
        self.site = site
        self.line = line
        self.device = device
        self.sensor = sensor
    }

    /// The point of an alert.
    public init(of alert: Alert) {
        self.init(rule: alert.rule, site: alert.site, line: alert.line, device: alert.device, sensor: alert.sensor)
    }
}

/// A part of a site under maintenance: one device (`line` and `device`), a whole line (`device`
/// empty), or the whole site (both empty). Its alarms are recorded but not notified.
public struct ServiceScope: Hashable, Sendable {
    public var site: String
    public var line: String
    public var device: String

    public init(site: String, line: String = "", device: String = "") {
        self.site = site
        self.line = line
        self.device = device
    }

    /// Whether an alarm at this place falls in the scope.
    public func contains(site: String, line: String, device: String) -> Bool {
        site == self.site && (self.line.isEmpty || line == self.line) && (self.device.isEmpty || device == self.device)
    }
}

/// One shelved alarm point: who shelved it, why, and until when (it expires by itself).
public struct Shelf: Equatable, Sendable {
    public var point: AlarmPoint
    public var by: String
    public var atMillis: Int64
    public var untilMillis: Int64
    public var comment: String

    public init(point: AlarmPoint, by: String, atMillis: Int64, untilMillis: Int64, comment: String) {
        self.point = point
        self.by = by
        self.atMillis = atMillis
        self.untilMillis = untilMillis
        self.comment = comment
    }
}

/// One part of a site taken out of service: who, when, why. It stays until returned to service.
public struct OutOfService: Equatable, Sendable {
    public var scope: ServiceScope
    public var by: String
    public var atMillis: Int64
    public var comment: String

    public init(scope: ServiceScope, by: String, atMillis: Int64, comment: String) {
        self.scope = scope
        self.by = by
        self.atMillis = atMillis
        self.comment = comment
    }
}

/// What a site's edges must not notify (no webhook, no stop command): its shelved alarm points
/// and its parts out of service, as the core keeps them and the edges poll them
/// (``AlarmSuppressionsCodec``). The alarms themselves are still raised, recorded and forwarded.
public struct AlarmSuppressions: Equatable, Sendable {
    /// Why an alarm is not notified.
    public enum Reason: Equatable, Sendable {
        case shelved(untilMillis: Int64)
        case outOfService
    }

    public var site: String
    public var shelves: [Shelf] {
        didSet { shelfEnds = Self.ends(of: shelves) }
    }
    public var outOfService: [OutOfService] {
        didSet { scopes = Set(outOfService.map(\.scope)) }
    }
    /// Latest end of each shelved point (a point shelved twice counts until the later end).
    private var shelfEnds: [AlarmPoint: Int64]
    /// The scopes out of service, so a lookup is a few hash probes, not a scan of up to
    /// 10,000 entries on the MQTT thread for every alert transition.
    private var scopes: Set<ServiceScope>

    public init(site: String, shelves: [Shelf] = [], outOfService: [OutOfService] = []) {
        self.site = site
        self.shelves = shelves
        self.outOfService = outOfService
        shelfEnds = Self.ends(of: shelves)
        scopes = Set(outOfService.map(\.scope))
    }

    private static func ends(of shelves: [Shelf]) -> [AlarmPoint: Int64] {
        Dictionary(shelves.map { ($0.point, $0.untilMillis) }, uniquingKeysWith: max)
    }

    public static func == (lhs: AlarmSuppressions, rhs: AlarmSuppressions) -> Bool {
        lhs.site == rhs.site && lhs.shelves == rhs.shelves && lhs.outOfService == rhs.outOfService
    }

    /// Why the alarm at `point` is not notified at `nowMillis`, or nil when it is. Out of service
    /// wins over shelved (it has no end).
    public func suppression(of point: AlarmPoint, nowMillis: Int64) -> Reason? {
        // Every scope that can contain the point (``ServiceScope/contains(site:line:device:)``):
        // the site, its line, the device on its line, and the device named without a line.
        if !scopes.isEmpty,
           scopes.contains(ServiceScope(site: point.site)) || scopes.contains(ServiceScope(site: point.site, line: point.line))
            || scopes.contains(ServiceScope(site: point.site, line: point.line, device: point.device))
            || scopes.contains(ServiceScope(site: point.site, device: point.device))
        {
            return .outOfService
        }
        if let until = shelfEnds[point], nowMillis < until { return .shelved(untilMillis: until) }
        return nil
    }

    /// The same without the shelves that ended by `nowMillis`.
    public func current(nowMillis: Int64) -> AlarmSuppressions {
        AlarmSuppressions(site: site, shelves: shelves.filter { nowMillis < $0.untilMillis }, outOfService: outOfService)
    }
}
