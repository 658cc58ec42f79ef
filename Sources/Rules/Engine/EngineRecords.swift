/// The engine's per-series, per-binding, per-rule and per-alert records: trivial structs kept in
/// ``Slab``s and indexed by small integers, so the hot path only follows offsets.

/// What the engine knows about one registered series (indexed by `SeriesID`).
struct SeriesRecord: BitwiseCopyable {
    var registered = false
    /// Index of the series' device (site/line/device) row in the latest-values table.
    var device: Int32 = 0
    /// The global sensor slot of this series' sensor name, or -1 if no rule names it.
    var sensorSlot: Int32 = -1
    /// The series' bindings: one per rule that can match it.
    var bindingStart: Int32 = 0
    var bindingCount: Int32 = 0
    /// The series' window buffers: one per distinct duration used by its rules.
    var bufferStart: Int32 = 0
    var bufferCount: Int32 = 0
    /// Time of the last reading; `Int64.min` until the first.
    var lastSeen = Int64.min
    /// Time of the first reading this engine saw; `Int64.min` until then. With `lastSeen` it
    /// gives the series' history, which tells an invented one-shot name from a real sensor.
    var firstSeen = Int64.min
    var lastValue = Double.nan
}

/// One rule applied to one series.
struct Binding: BitwiseCopyable {
    var rule: Int32
    var alert: Int32
    /// Where the rule's window slots → buffer indexes start in the window map.
    var windowMapStart: Int32
    /// The series this binding belongs to.
    var series: UInt32
}

/// A rule's code and timings, flattened for the hot path.
struct RuleRecord: BitwiseCopyable {
    var whenStart: Int32
    var whenCount: Int32
    /// `clearCount` is -1 when the rule has no `clear` (it clears when `when` is false).
    var clearStart: Int32
    var clearCount: Int32
    var holdMillis: Int64
    /// 0 when the rule does not repeat.
    var repeatMillis: Int64
    /// The rule's `absent(d)` durations (ascending) in the engine's absent table.
    var absentStart: Int32
    var absentCount: Int32
}

/// The lifecycle of one alert identity: (rule, series), or (rule, device) for device-scoped rules.
///
/// Only what a reading's evaluation reads is here (48 bytes): at plant scale the engine holds
/// tens of thousands of these and a reading touches them at random, so their size is cache
/// misses. What transitions and timers keep is in ``AlertHistory``, at the same index.
struct AlertRecord: BitwiseCopyable {
    enum Phase: UInt8, BitwiseCopyable {
        case inactive, pending, firing
    }

    var phase = Phase.inactive
    /// Whether an `absent` check for this alert is in the timer heap.
    var absentArmed = false
    /// Chattering (see ``RuleEngine/Options/chatterStarts``): it stays firing until clear for the window.
    var chattering = false
    /// Whether this is a group's alarm (``Rule/grouping``): named by the group, not a series.
    var isGroup = false
    /// A group's alarm restored after a restart or takeover, when its members' states are not
    /// known: it resolves only once no member has fired for ``RuleEngine/restoredGroupGraceMillis``.
    var restoredGroup = false
    /// A member restored as an alarm of its own (its rule was not grouped when it fired): it
    /// resolves as that alarm, with its id, and is a member again after.
    var standsAlone = false
    var rule: Int32
    /// The series whose site/line/device (and, unless device-scoped, sensor) name the alert.
    var series: UInt32
    /// The binding used to re-evaluate on an `absent` timer; -1 for device-scoped alerts.
    var binding: Int32
    /// A grouped rule's member (one series, or one device): the index of its group's alarm,
    /// which fires with the first member and resolves after the last; -1 when it is an alarm.
    var group: Int32 = -1
    /// Bumped on every transition; timer entries from an older generation are ignored.
    var generation: UInt32 = 0
    /// Pending: since when the condition holds. Firing: when it fired.
    var since: Int64 = 0
    /// The value at the last evaluation.
    var value = Double.nan

    init(rule: Int32, series: UInt32, binding: Int32, isGroup: Bool = false) {
        self.rule = rule
        self.series = series
        self.binding = binding
        self.isGroup = isGroup
    }
}

/// What an alert's transitions and timers keep, beside its ``AlertRecord`` (same index).
struct AlertHistory: BitwiseCopyable {
    var lastNotified: Int64 = 0
    /// When it last fired: a new firing starts at least 1 ms later, so two episodes that begin
    /// in the same millisecond (a burst of buffered readings) never share an alert id.
    var lastFiredAt: Int64 = .min
    /// While chattering (or a restored group) and its condition is clear: when it resolves
    /// unless it trips again first (0: not clearing).
    var releaseAt: Int64 = 0
    /// Chattering: starts counted in the window from `chatterWindowStart` and in the one before
    /// (each the engine's `chatterWindowMillis` long), which together estimate the starts within
    /// the last window length (a sliding-window counter) without keeping every start's time.
    var chatterWindowStart: Int64 = .min
    var chatterStarts: UInt16 = 0
    var chatterPreviousStarts: UInt16 = 0
    /// Toggles held back while chattering (it tripped again during its off-delay).
    var dampedToggles: UInt32 = 0
    /// A group's alarm: its members firing now.
    var members: Int32 = 0
}
