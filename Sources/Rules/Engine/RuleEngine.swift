import Readings

/// Evaluates a ``RuleSet`` against readings and timers, producing ``AlertEvent``s.
///
/// ```swift
/// let engine = RuleEngine(rules: rules)
/// engine.register(series: id, series)            // once per new series
/// var events: [AlertEvent] = []
/// engine.evaluate(series: id, value: 851, atMillis: now, into: &events)
/// engine.advance(toMillis: now, into: &events)   // every 10–100 ms
/// ```
///
/// - **Index**: ``register(series:_:)`` evaluates the globs once and gives the series the list
///   of rules that can match it; a reading then meets only those rules (``evaluations`` counts
///   them).
/// - **Alert identity**: (rule, series) when a rule uses `value`, a window function or `absent`;
///   (rule, device) with sensor `""` when it uses only named sensors, so
///   `temperature > 60 and smoke > 0.08` gives one alert per device, evaluated on every reading
///   of any matching sensor of that device.
/// - **Lifecycle**: inactive → pending (while `for` runs) → firing → resolved (when `clear`
///   holds, by default when `when` no longer does) → inactive. A pending alert returns to
///   inactive when `when` is false before `for` has elapsed, and fires on a later reading or on
///   ``advance(toMillis:into:)`` once `for` has elapsed.
/// - **Time** is only ever the milliseconds passed in; there is no clock inside, so a replay of
///   recorded readings behaves like the live edge.
///
/// Not `Sendable`: one engine is owned by one thread (the MQTT receive thread), and the hot path
/// relies on that to work without locks.
public final class RuleEngine {
    /// Limits for the engine's memory, and chattering damping.
    public struct Options: Sendable {
        /// The most samples one window buffer keeps; beyond it the oldest are dropped early, so
        /// at more than `maxSamplesPerWindow / d` readings per second a window function covers
        /// only the newest samples.
        public var maxSamplesPerWindow: Int
        /// An alarm that starts this many times within ``chatterWindowMillis`` is **chattering**
        /// (EEMUA 191: 3 in a minute): the start that makes it so says it (annotation
        /// `chattering`), and from then on it stays firing while it toggles, resolving only once
        /// its condition has stayed clear for ``chatterWindowMillis`` (an off-delay), so its
        /// receivers get one alarm instead of a burst. 0 turns it off.
        public var chatterStarts: Int
        public var chatterWindowMillis: Int64

        public init(maxSamplesPerWindow: Int = 4_096, chatterStarts: Int = 3, chatterWindowMillis: Int64 = 60_000) {
            self.maxSamplesPerWindow = maxSamplesPerWindow
            self.chatterStarts = chatterStarts
            self.chatterWindowMillis = chatterWindowMillis
        }
    }

    public let rules: RuleSet
    public let options: Options

    /// Rule evaluations done on readings and timers (a rule evaluated for one reading counts 1).
    public var evaluations: Int { hot.pointee.evaluations }
    /// Readings given to ``evaluate(series:value:atMillis:into:)``.
    public var readings: Int { hot.pointee.readings }
    /// Readings for a series id that was never registered (ignored).
    public var unregisteredReadings: Int { hot.pointee.unregisteredReadings }
    /// Alarms that became chattering (see ``Options/chatterStarts``).
    public var chatteringStarted: Int { hot.pointee.chatteringStarted }
    /// Toggles of chattering alarms held back (they tripped again during their off-delay).
    public var dampedToggles: Int { hot.pointee.dampedToggles }
    /// The annotation of a firing that made its alarm chattering, and of its resolve.
    public static let chatteringAnnotation = "chattering"
    /// The annotation of a group's alarm (``Rule/grouping``) naming its members firing then.
    public static let membersAnnotation = "members"
    /// How long a group's alarm restored after a restart or takeover stays firing once none of
    /// its members is known to fire: its members report again meanwhile.
    public static let restoredGroupGraceMillis: Int64 = 10_000

    /// What the hot path reads; see ``HotTables``.
    let hot: UnsafeMutablePointer<HotTables>

    // Static, built in init.
    var code = Slab<Instruction>(capacity: 64)
    var ruleRecords = Slab<RuleRecord>()
    var absentMillis = Slab<Int64>()
    /// Sensor name → global slot; one column of `latest` per slot.
    var sensorSlots: [String: Int32] = [:]
    /// Rules grouped by identical `match`, so each distinct set of globs is evaluated once.
    var matchGroups: [(match: SeriesMatch, rules: [Int32])] = []
    var stack: UnsafeMutablePointer<Double>

    // Grown by register.
    var seriesRecords = Slab<SeriesRecord>(capacity: 1_024)
    var bindings = Slab<Binding>(capacity: 1_024)
    var windowMap = Slab<Int32>(capacity: 1_024)
    var buffers = Slab<WindowBuffer>(capacity: 1_024)
    var alerts = Slab<AlertRecord>(capacity: 1_024)
    /// Beside each alert (same index): what its transitions and timers keep.
    var history = Slab<AlertHistory>(capacity: 1_024)
    /// Latest value per device row × sensor slot; NaN until seen.
    var latest = Slab<Double>(capacity: 1_024)
    var series: [Series?] = []
    var devices: [DeviceKey: Int32] = [:]
    var deviceAlerts: [DeviceAlertKey: Int32] = [:]
    /// The alarm of each group of a grouped rule (``Rule/grouping``), by its key.
    var groupAlerts: [AlertKey: Int32] = [:]
    /// Each group alarm's members (alert indexes), for naming them without a scan of every alert.
    var groupMembers: [Int32: [Int32]] = [:]
    /// Groups whose alarm fired during the current ``advance(toMillis:into:)``: their members
    /// that fall due at the same time (a device's sensors all silent) join before it is sent.
    var groupsFired: [Int32] = []
    var advancing = false
    /// Alerts given to ``restore(_:)`` whose series is not registered yet.
    var pendingRestores: [AlertKey: ActiveAlert] = [:]

    // Timers.
    var timers = TimerHeap()

    struct DeviceKey: Hashable {
        var site: String
        var line: String
        var device: String
    }

    struct DeviceAlertKey: Hashable {
        var rule: Int32
        var device: Int32
    }

    public init(rules: RuleSet, options: Options = Options()) {
        self.rules = rules
        self.options = options
        let maxStack = rules.rules.map { max($0.whenCode.maxStack, $0.clearCode?.maxStack ?? 0) }.max() ?? 1
        stack = .allocate(capacity: max(maxStack, 1))
        hot = .allocate(capacity: 1)
        var groupIndex: [SeriesMatch: Int] = [:]
        for (index, rule) in rules.rules.enumerated() {
            // Rule-local sensor slots → global slots.
            let globalSlots = rule.symbols.sensors.map { name in
                sensorSlots[name] ?? {
                    let slot = Int32(sensorSlots.count)
                    sensorSlots[name] = slot
                    return slot
                }()
            }
            func append(_ compiled: CompiledExpression) -> (Int32, Int32) {
                let start = Int32(code.count)
                for var instruction in compiled.code {
                    if instruction.opcode == .sensor { instruction.index = globalSlots[Int(instruction.index)] }
                    code.append(instruction)
                }
                return (start, Int32(compiled.code.count))
            }
            let (whenStart, whenCount) = append(rule.whenCode)
            let (clearStart, clearCount) = rule.clearCode.map(append) ?? (0, -1)
            let absentStart = Int32(absentMillis.count)
            for millis in rule.symbols.absentMillis { absentMillis.append(millis) }
            ruleRecords.append(RuleRecord(
                whenStart: whenStart, whenCount: whenCount, clearStart: clearStart, clearCount: clearCount,
                holdMillis: rule.holdMillis, repeatMillis: rule.repeatMillis ?? 0,
                absentStart: absentStart, absentCount: Int32(rule.symbols.absentMillis.count)))
            if let group = groupIndex[rule.match] {
                matchGroups[group].rules.append(Int32(index))
            } else {
                groupIndex[rule.match] = matchGroups.count
                matchGroups.append((rule.match, [Int32(index)]))
            }
        }
        hot.initialize(to: HotTables(
            series: seriesRecords.base, seriesCount: 0, bindings: bindings.base, windowMap: windowMap.base,
            buffers: buffers.base, alerts: alerts.base, latest: latest.base, code: code.base, rules: ruleRecords.base,
            absentMillis: absentMillis.base, stack: stack, sensorCount: sensorSlots.count))
    }

    /// Points ``hot`` at the tables again after any of them may have grown.
    func refreshHotTables() {
        hot.pointee.series = seriesRecords.base
        hot.pointee.seriesCount = seriesRecords.count
        hot.pointee.bindings = bindings.base
        hot.pointee.windowMap = windowMap.base
        hot.pointee.buffers = buffers.base
        hot.pointee.alerts = alerts.base
        hot.pointee.latest = latest.base
    }

    deinit {
        for index in 0..<buffers.count { buffers[index].deallocate() }
        stack.deallocate()
        hot.deallocate()
    }

    /// The number of sensor names used by the rules (columns of the latest-values table).
    var sensorCount: Int { sensorSlots.count }
}
