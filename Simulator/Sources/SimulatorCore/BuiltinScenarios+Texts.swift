extension BuiltinScenarios {
    /// A few devices for a few seconds, one of each payload shape, one hazard.
    static let smoke = """
        # smoke: a quick end-to-end check; every payload shape, one furnace overheat.
        name: smoke
        seed: 1
        qos: 1
        rate: {per_device: 5}
        duration: 5s
        kinds:
          press:
            payload: object
            sensors:
              temperature: {profile: random-walk, mean: 65, sd: 0.5, reversion: 0.05, min: 20, max: 120, unit: C, decimals: 2}
              strokes: {profile: counter, start: 0, step: 1}
          furnace:
            payload: device-object
            sensors:
              temperature: {profile: random-walk, mean: 780, sd: 3, reversion: 0.05, min: 0, max: 1200, unit: C, decimals: 1}
              pressure: {profile: step, levels: [100, 120], every: 2s, unit: kPa, decimals: 0}
          conveyor:
            payload: number
            sensors:
              speed: {profile: sine, mean: 1.2, amplitude: 0.1, period: 4s, noise: 0.01, unit: m/s, decimals: 2}
          cnc:
            payload: array
            batch: 5
            sensors:
              vibration: {profile: sine, mean: 2.5, amplitude: 0.5, period: 10s, noise: 0.05, unit: mm/s, decimals: 2}
        sites:
          - name: seoul
            lines:
              - name: line1
                devices:
                  - {kind: press, count: 2, name: "press-{n:02}"}
                  - {kind: furnace, count: 1, name: "furnace-{n:02}"}
                  - {kind: conveyor, count: 1, name: "conveyor-{n:02}"}
                  - {kind: cnc, count: 1, name: "cnc-{n:02}"}
        hazards:
          - {type: overheat, device: furnace-01, start: 500ms, duration: 4500ms, level: 900}

        """

    /// Seoul: two press lines with conveyors and CNC machines.
    static let seoul = """
        # seoul: press lines. Presses send objects, conveyors bare numbers, CNC machines arrays.
        name: seoul
        seed: 42
        topic_template: "factory/{site}/{line}/{device}/{sensor}"
        qos: 1
        rate: {per_device: 10}
        duration: 60s
        kinds:
          press:
            payload: object
            sensors:
              temperature: {profile: random-walk, mean: 65, sd: 0.5, reversion: 0.05, min: 20, max: 120, unit: C, decimals: 2}
              vibration: {profile: sine, mean: 3, amplitude: 1, period: 10s, noise: 0.1, unit: mm/s, decimals: 2}
              strokes: {profile: counter, start: 0, step: 1}
              pressure: {profile: step, levels: [100, 120, 100], every: 20s, unit: kPa, decimals: 0}
              mode: {profile: constant, value: 1, decimals: 0}
          conveyor:
            payload: number
            sensors:
              speed: {profile: sine, mean: 1.2, amplitude: 0.1, period: 30s, noise: 0.01, unit: m/s, decimals: 2}
          cnc:
            payload: array
            batch: 5
            sensors:
              spindle_rpm: {profile: random-walk, mean: 12000, sd: 50, reversion: 0.1, min: 0, max: 24000, unit: rpm, decimals: 0}
              vibration: {profile: sine, mean: 2.5, amplitude: 0.5, period: 12s, noise: 0.05, unit: mm/s, decimals: 2}
        sites:
          - name: seoul
            lines:
              - name: line1
                devices:
                  - {kind: press, count: 8, name: "press-{n:02}"}
                  - {kind: conveyor, count: 2, name: "conveyor-{n:02}"}
              - name: line2
                devices:
                  - {kind: press, count: 8, name: "press-{n:02}", first: 9}
                  - {kind: conveyor, count: 2, name: "conveyor-{n:02}", first: 3}
                  - {kind: cnc, count: 4, name: "cnc-{n:02}"}
        hazards:
          - {type: overheat, device: press-03, sensor: temperature, start: 5s, duration: 10s, level: 150}
          - {type: vibration-burst, device: press-05, start: 8s, duration: 6s}
          - {type: silent, device: press-07, start: 10s, duration: 35s}
          - {type: vibration-burst, device: cnc-02, start: 20s, duration: 8s, factor: 4}
          - {random: 3, types: [vibration-burst], within: 60s}
        faults:
          malformed: {fraction: 0.001, kinds: [bad_json, not_numeric, non_finite, topic_shape, too_large, bad_timestamp]}
          duplicates: 0.001
          out_of_order: 0.001
          skew: {fraction: 0.001, by: 5m}
          drops: 0.001
          clock_off: {fraction: 0.1, by: 45s}
          disconnects: {every: 20s}

        """

    /// Gwangju: furnace lines, gas detectors and smoke detectors.
    static let gwangju = """
        # gwangju: furnace lines with gas and smoke detectors.
        name: gwangju
        seed: 7
        qos: 1
        rate: {per_device: 5}
        duration: 60s
        kinds:
          furnace:
            payload: device-object
            sensors:
              temperature: {profile: random-walk, mean: 780, sd: 5, reversion: 0.05, min: 0, max: 1400, unit: C, decimals: 1}
              pressure: {profile: random-walk, mean: 101.3, sd: 0.4, reversion: 0.1, min: 80, max: 200, unit: kPa, decimals: 2}
          gas-detector:
            payload: object
            sensors:
              gas_ppm: {profile: random-walk, mean: 5, sd: 1, reversion: 0.1, min: 0, max: 10000, unit: ppm, decimals: 1}
          smoke-detector:
            payload: object
            sensors:
              smoke: {profile: random-walk, mean: 0.01, sd: 0.003, reversion: 0.1, min: 0, max: 1, unit: obscuration, decimals: 3}
              temperature: {profile: random-walk, mean: 24, sd: 0.3, reversion: 0.05, min: -20, max: 200, unit: C, decimals: 1}
        sites:
          - name: gwangju
            lines:
              - name: melt1
                devices:
                  - {kind: furnace, count: 4, name: "furnace-{n:02}"}
                  - {kind: gas-detector, count: 3, name: "gas-{n:02}"}
                  - {kind: smoke-detector, count: 2, name: "smoke-{n:02}"}
              - name: melt2
                devices:
                  - {kind: furnace, count: 4, name: "furnace-{n:02}", first: 5}
                  - {kind: gas-detector, count: 3, name: "gas-{n:02}", first: 4}
                  - {kind: smoke-detector, count: 2, name: "smoke-{n:02}", first: 3}
        hazards:
          - {type: overheat, device: furnace-02, start: 5s, duration: 10s, level: 900}
          - {type: gas-leak, device: gas-01, start: 12s, duration: 5s, rate: 200}
          - {type: fire-risk, device: smoke-02, start: 20s, duration: 8s}
          - {type: silent, device: gas-05, start: 15s, duration: 35s}
          - {random: 4, types: [gas-leak, fire-risk], within: 60s}
        faults:
          malformed: {fraction: 0.001}
          duplicates: 0.001
          out_of_order: 0.001

        """

    /// Stress: many devices, tiny payloads, a target rate above what one broker takes.
    static let stress = """
        # stress: 1,000 devices with one sensor each and ~45-byte payloads; the total rate is a
        # ceiling far above what one broker takes, so the run goes as fast as the broker allows.
        name: stress
        seed: 1
        qos: 0
        rate: {total: 1M/s}
        duration: 30s
        kinds:
          probe:
            payload: object
            sensors:
              v: {profile: counter, start: 0, step: 1}
        sites:
          - name: stress
            lines:
              - {name: l1, devices: [{kind: probe, count: 250, name: "p-{n:04}"}]}
              - {name: l2, devices: [{kind: probe, count: 250, name: "p-{n:04}", first: 251}]}
              - {name: l3, devices: [{kind: probe, count: 250, name: "p-{n:04}", first: 501}]}
              - {name: l4, devices: [{kind: probe, count: 250, name: "p-{n:04}", first: 751}]}

        """

    /// Plant: a large plant for cardinality (issue 13): 10,000 devices of four sensors (40,000
    /// series) on 20 lines, each device reporting every 2 s (20,000 readings/s), with hazards.
    static let plant: String = {
        var lines = ""
        for line in 0..<20 {
            lines += """
                      - name: line-\(line < 9 ? "0" : "")\(line + 1)
                        devices: [{kind: press, count: 500, name: "press-{n:05}", first: \(line * 500 + 1)}]

                """
        }
        return """
            # plant: a large plant: 10,000 presses of four sensors (40,000 series) on 20 lines,
            # each reporting all its sensors every 2 s (5,000 messages, 20,000 readings a second).
            name: plant
            seed: 2026
            qos: 1
            rate: {per_device: 0.5}
            duration: 60s
            kinds:
              press:
                payload: device-object
                sensors:
                  temperature: {profile: random-walk, mean: 65, sd: 0.5, reversion: 0.05, min: 20, max: 120, unit: C, decimals: 2}
                  vibration: {profile: sine, mean: 3, amplitude: 1, period: 30s, noise: 0.1, unit: mm/s, decimals: 2}
                  pressure: {profile: random-walk, mean: 100, sd: 0.3, reversion: 0.1, min: 0, max: 300, unit: kPa, decimals: 1}
                  current: {profile: random-walk, mean: 12, sd: 0.2, reversion: 0.1, min: 0, max: 60, unit: A, decimals: 2}
            sites:
              - name: seoul
                lines:
            \(lines)
            hazards:
              - {type: overheat, device: press-00042, sensor: temperature, start: 5s, duration: 10s, level: 150}
              - {type: vibration-burst, device: press-05000, start: 10s, duration: 8s}
              - {type: silent, device: press-09999, start: 15s, duration: 35s}
              - {random: 5, types: [overheat, vibration-burst], within: 60s}
            faults:
              malformed: {fraction: 0.0001}
              duplicates: 0.0001
              out_of_order: 0.0001

            """
    }()
}
