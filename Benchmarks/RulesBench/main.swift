// haetae-rules-bench: readings/s and ns/reading of the rule engine at 0, 10, 100 and 1,000
// rules, on one generated plant (2,000 devices × 4 sensors), all measured in the same run.
//
//     swift run -c release haetae-rules-bench [readings] [devices]

import Readings
import Rules

let arguments = CommandLine.arguments
let readingCount = arguments.count > 1 ? Int(arguments[1]) ?? 5_000_000 : 5_000_000
let deviceCount = arguments.count > 2 ? Int(arguments[2]) ?? 2_000 : 2_000
// Every series reports every 100 ms: a busy plant.
let readingsPerSecond = Double(deviceCount * 4) * 10

print("haetae-rules-bench: \(deviceCount) devices × 4 sensors, \(readingCount) readings, \(Int(readingsPerSecond)) readings/s simulated")
let workload = Workload(devices: deviceCount, readings: readingCount, readingsPerSecond: readingsPerSecond, seed: 42)

struct Result {
    var rules: Int
    var seconds: Double
    var evaluationsPerReading: Double
    var events: Int
}

func run(rules count: Int) throws -> Result {
    let rules = count == 0 ? RuleSet.empty : try RuleFileParser.parse(
        text: RuleFileGenerator.yaml(rules: count, devices: deviceCount, seed: 7), path: "bench-\(count).yaml")
    let engine = RuleEngine(rules: rules)
    for (index, series) in workload.series.enumerated() { engine.register(series: UInt32(index), series) }
    var events: [AlertEvent] = []
    events.reserveCapacity(1_024)
    var eventCount = 0
    let start = Int64(1_700_000_000_000)
    let advanceEvery = max(1, Int(100 / workload.millisPerReading))  // advance every ~100 ms
    let clock = ContinuousClock()
    let began = clock.now
    workload.ids.withUnsafeBufferPointer { ids in
        workload.values.withUnsafeBufferPointer { values in
            for n in 0..<ids.count {
                let now = start + Int64(Double(n) * workload.millisPerReading)
                engine.evaluate(series: ids[n], value: values[n], atMillis: now, into: &events)
                if n % advanceEvery == 0 {
                    engine.advance(toMillis: now, into: &events)
                    eventCount += events.count
                    events.removeAll(keepingCapacity: true)
                }
            }
        }
    }
    let elapsed = clock.now - began
    eventCount += events.count
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return Result(
        rules: count, seconds: seconds, evaluationsPerReading: Double(engine.evaluations) / Double(readingCount),
        events: eventCount)
}

func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
func fixed(_ value: Double, _ digits: Int) -> String {
    let scale = (0..<digits).reduce(1.0) { r, _ in r * 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    }
    return text
}

print(pad("rules", 6) + pad("rules/reading", 15) + pad("readings/s", 14) + pad("ns/reading", 12) + pad("over baseline", 15) + pad("events", 9))
var baseline = 0.0
for count in [0, 10, 100, 1_000] {
    let result = try run(rules: count)
    let nanos = result.seconds * 1e9 / Double(readingCount)
    if count == 0 { baseline = nanos }
    print(
        pad(String(count), 6) + pad(fixed(result.evaluationsPerReading, 2), 15)
            + pad(String(Int(Double(readingCount) / result.seconds)), 14) + pad(fixed(nanos, 1), 12)
            + pad(count == 0 ? "baseline" : "+" + fixed(nanos - baseline, 1), 15) + pad(String(result.events), 9))
}
