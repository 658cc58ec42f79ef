import Readings
@testable import Rules

/// Parses a rule file written inline in a test.
func ruleSet(_ yaml: String) throws -> RuleSet {
    try RuleFileParser.parse(text: yaml, path: "test.yaml")
}

/// Evaluates one condition outside any engine: `value` and named sensors as given, no windows.
func holds(_ expression: String, value: Double = .nan, sensors: [String: Double] = [:]) throws -> Bool {
    var symbols = RuleSymbols()
    let compiled = ExpressionCompiler.compile(try ExpressionParser.parse(expression), symbols: &symbols)
    var latest = symbols.sensors.map { sensors[$0] ?? .nan }
    var code = compiled.code
    var stack = [Double](repeating: 0, count: compiled.maxStack)
    var windowMap: [Int32] = [0]
    return latest.withUnsafeMutableBufferPointer { latest in
        code.withUnsafeMutableBufferPointer { code in
            stack.withUnsafeMutableBufferPointer { stack in
                windowMap.withUnsafeMutableBufferPointer { windowMap in
                    let interpreter = Interpreter(
                        value: value, now: 0, lastSeen: 0, latest: latest.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!,
                        buffers: UnsafeMutablePointer(bitPattern: 8)!, windowMap: windowMap.baseAddress!,
                        stack: stack.baseAddress!)
                    return interpreter.run(code.baseAddress!, count: code.count)
                }
            }
        }
    }
}

/// An engine with a few series registered under short names, fed with explicit times.
final class EngineHarness {
    let engine: RuleEngine
    private(set) var ids: [String: SeriesID] = [:]
    private var nextID: SeriesID = 0

    init(_ yaml: String, options: RuleEngine.Options = RuleEngine.Options()) throws {
        engine = RuleEngine(rules: try ruleSet(yaml), options: options)
    }

    /// Registers `device/sensor` (site `s1`, line `l1`) under the name `"device/sensor"`.
    @discardableResult
    func add(_ device: String, _ sensor: String, site: String = "s1", line: String = "l1") -> SeriesID {
        let id = nextID
        nextID += 1
        engine.register(series: id, Series(site: site, line: line, device: device, sensor: sensor))
        ids["\(device)/\(sensor)"] = id
        return id
    }

    /// Feeds one reading and returns the events it caused.
    func read(_ name: String, _ value: Double, at millis: Int64) -> [AlertEvent] {
        var events: [AlertEvent] = []
        engine.evaluate(series: ids[name]!, value: value, atMillis: millis, into: &events)
        return events
    }

    func advance(to millis: Int64) -> [AlertEvent] {
        var events: [AlertEvent] = []
        engine.advance(toMillis: millis, into: &events)
        return events
    }
}

/// `kind rule device/sensor @time` — compact enough to compare whole event sequences.
func summary(_ events: [AlertEvent]) -> [String] {
    events.map { "\($0.kind.rawValue) \($0.rule) \($0.device)/\($0.sensor) @\($0.atMillis)" }
}

/// A small seeded generator, so random tests are repeatable.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
