/// A rule's `when` (and `clear`) compiled to stack-machine code, with the symbols it uses.
///
/// Sensor names and window durations are numbered per rule ("slots") here; the engine maps the
/// slots to its own tables once, when the rule set is loaded and when a series is registered.
struct CompiledExpression: Sendable, Equatable {
    var code: [Instruction]
    /// The most values the code keeps on the stack at once.
    var maxStack: Int
}

/// The symbols shared by the expressions of one rule, so `when` and `clear` use one window
/// buffer per duration and one slot per sensor name.
struct RuleSymbols: Sendable, Equatable {
    /// Window slot → duration in milliseconds.
    var windowMillis: [Int64] = []
    /// Window slot → whether `min`/`max` is used on it (it then keeps monotonic deques).
    var windowNeedsExtremes: [Bool] = []
    /// Sensor slot → the sensor name.
    var sensors: [String] = []
    /// The distinct `absent(d)` durations, ascending.
    var absentMillis: [Int64] = []
    var usesValue = false

    /// Whether the alert is per device (only named sensors) rather than per series.
    var isDeviceScoped: Bool { !usesValue && windowMillis.isEmpty && absentMillis.isEmpty }

    mutating func windowSlot(_ millis: Int64, _ function: WindowFunction) -> Int32 {
        let slot = windowMillis.firstIndex(of: millis) ?? {
            windowMillis.append(millis)
            windowNeedsExtremes.append(false)
            return windowMillis.count - 1
        }()
        if function.needsExtremes { windowNeedsExtremes[slot] = true }
        return Int32(slot)
    }

    mutating func sensorSlot(_ name: String) -> Int32 {
        if let slot = sensors.firstIndex(of: name) { return Int32(slot) }
        sensors.append(name)
        return Int32(sensors.count - 1)
    }
}
