import SimulatorCore
import Testing

/// A small scenario covering every payload shape and profile, used across suites.
let sampleYAML = """
    name: sample
    seed: 42
    rate: {per_device: 10}
    duration: 60s
    kinds:
      press:
        payload: object
        sensors:
          temperature: {profile: random-walk, mean: 65, sd: 0.5, reversion: 0.05, min: 20, max: 120, unit: C, decimals: 2}
          vibration: {profile: sine, mean: 3, amplitude: 1, period: 10s, noise: 0.1, unit: mm/s, decimals: 2}
          strokes: {profile: counter, start: 0, step: 1}
          pressure: {profile: step, levels: [100, 120, 100], every: 20s, unit: kPa}
          mode: {profile: constant, value: 1}
      furnace:
        payload: device-object
        sensors:
          temperature: {profile: random-walk, mean: 780, sd: 5, reversion: 0.05, min: 0, max: 1400, unit: C, decimals: 1}
          smoke: {profile: constant, value: 0.01, decimals: 3}
      gas:
        payload: number
        sensors:
          gas_ppm: {profile: random-walk, mean: 5, sd: 1, reversion: 0.1, min: 0, max: 10000, decimals: 1}
      cnc:
        payload: array
        batch: 4
        sensors:
          vibration: {profile: sine, mean: 2, amplitude: 0.5, period: 5s, unit: mm/s}
    sites:
      - name: seoul
        lines:
          - name: line1
            devices:
              - {kind: press, count: 8, name: "press-{n:02}"}
              - {kind: furnace, count: 2, name: "furnace-{n:02}"}
          - name: line2
            devices:
              - {kind: gas, count: 3, name: "gas-{n}"}
              - {kind: cnc, count: 1, name: "cnc-{n:03}"}
    hazards:
      - {type: overheat, device: press-03, sensor: temperature, start: 5s, duration: 10s, level: 900}
      - {type: gas-leak, device: gas-1, start: 12s, duration: 5s}
      - {type: vibration-burst, device: press-05, start: 8s, duration: 6s}
      - {type: silent, device: press-07, start: 10s, duration: 35s}
      - {type: fire-risk, device: furnace-02, start: 20s, duration: 8s}
      - {random: 5, types: [overheat, gas-leak], within: 60s}
    faults:
      malformed: {fraction: 0.01, kinds: [bad_json, not_numeric, non_finite, topic_shape, too_large, bad_timestamp]}
      duplicates: 0.01
      out_of_order: 0.01
      skew: {fraction: 0.01, by: 5m}
      disconnects: {every: 20s}
    """

func sampleScenario() throws -> Scenario {
    try Scenario.parse(yaml: sampleYAML, file: "sample.yaml")
}

func samplePlan(seed: UInt64? = nil) throws -> ScenarioPlan {
    ScenarioPlan(scenario: try sampleScenario(), seed: seed)
}

/// Mean and standard deviation.
func statistics(_ values: [Double]) -> (mean: Double, sd: Double) {
    let mean = values.reduce(0, +) / Double(values.count)
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
    return (mean, variance.squareRoot())
}

extension MessageBuffer {
    /// Topic and payload of every message as text.
    var texts: [(topic: String, payload: String)] {
        messages.map { (topic(of: $0), String(decoding: payload(of: $0), as: UTF8.self)) }
    }
}
