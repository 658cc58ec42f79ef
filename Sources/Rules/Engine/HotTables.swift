/// The base pointers of the engine's tables plus its counters, in one place the hot path reads
/// through a `let` pointer.
///
/// Reading the engine's `var` properties would cost a dynamic exclusivity check each
/// (`swift_beginAccess`, about a fifth of the time per reading when measured); one copy of
/// this struct per reading costs a few loads. The engine refreshes it whenever a table grows
/// (in `init` and `register`), which is the only time a base pointer changes.
struct HotTables: BitwiseCopyable {
    var series: UnsafeMutablePointer<SeriesRecord>
    var seriesCount: Int
    var bindings: UnsafeMutablePointer<Binding>
    var windowMap: UnsafeMutablePointer<Int32>
    var buffers: UnsafeMutablePointer<WindowBuffer>
    var alerts: UnsafeMutablePointer<AlertRecord>
    var latest: UnsafeMutablePointer<Double>
    var code: UnsafeMutablePointer<Instruction>
    var rules: UnsafeMutablePointer<RuleRecord>
    var absentMillis: UnsafeMutablePointer<Int64>
    var stack: UnsafeMutablePointer<Double>
    var sensorCount: Int

    // Counters, here so that counting costs no exclusivity check either.
    var readings = 0
    var evaluations = 0
    var unregisteredReadings = 0
    var dampedToggles = 0
    var chatteringStarted = 0
}
