/// Writes a rule file of `count` rules shaped like a real plant's.
///
/// Most rules target one group of twenty devices (`furnace-012-*`) and one sensor, so that through the
/// index a reading meets a handful of rules however many there are. The mix: thresholds (some
/// with `for` and `clear`), windows (avg, rate, max), device-scoped named-sensor rules, and a
/// few plant-wide rules (a gas rate and an `absent`).
enum RuleFileGenerator {
    static func yaml(rules count: Int, devices: Int, seed: UInt64) -> String {
        var random = SplitMix64(seed: seed)
        let groups = max(1, devices / Workload.groupSize)
        var lines = ["rules:"]
        for n in 0..<count {
            let pattern = Workload.groupPattern(n % groups)
            let name = "rule-\(n)"
            switch n {
            case 0:
                lines.append("  - {name: \(name), match: {sensor: gas_ppm}, when: \"rate(10s) > 50\", severity: critical}")
                continue
            case 1:
                lines.append("  - {name: \(name), match: {site: site-1, sensor: vibration}, when: \"absent(30s)\", severity: warning}")
                continue
            case 2:
                lines.append("  - {name: \(name), match: {device: \"furnace-*\", sensor: temperature}, when: value > 940, for: 3s, severity: critical}")
                continue
            default: break
            }
            switch Int.random(in: 0..<20, using: &random) {
            case 0..<9:
                let threshold = Int.random(in: 880...945, using: &random)
                lines.append("""
                      - name: \(name)
                        match: {device: "\(pattern)", sensor: temperature}
                        when: value > \(threshold)
                        for: 3s
                        clear: value < \(threshold - 30)
                        severity: critical
                        annotations: {summary: "{device} at {site}/{line} is {value}°C"}
                        actions: [{webhook: default}, {mqtt: {topic: "factory/{site}/{line}/{device}/cmd", payload: '{"cmd":"stop","rule":"{rule}"}', qos: 1}}]
                    """)
            case 9..<12:
                lines.append("  - {name: \(name), match: {device: \"\(pattern)\", sensor: vibration}, when: \"avg(5s) > 7.1\", severity: warning}")
            case 12..<14:
                lines.append("  - {name: \(name), match: {device: \"\(pattern)\", sensor: vibration}, when: \"max(30s) > 9.5 and value > 8\", severity: warning}")
            case 14..<16:
                lines.append("  - {name: \(name), match: {device: \"\(pattern)\", sensor: gas_ppm}, when: \"rate(10s) > 40 or value > 400\", severity: critical}")
            case 16..<18:
                lines.append("  - {name: \(name), match: {device: \"\(pattern)\"}, when: \"temperature > 900 and smoke > 0.098\", severity: critical}")
            default:
                lines.append("  - {name: \(name), match: {device: \"\(pattern)\", sensor: smoke}, when: \"value > 0.0999 and stddev(10s) < 0.05\", severity: info}")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
