import Readings

/// The simulated plant: devices × sensors and a pre-generated stream of readings.
///
/// Readings are generated before timing so the benchmark measures the engine, not the
/// generator. Series report round-robin in a shuffled order (as a gateway sees a plant whose
/// devices all publish at the same rate), with the time advancing evenly.
struct Workload {
    static let sensors = ["temperature", "vibration", "gas_ppm", "smoke"]

    let devices: Int
    let series: [Series]
    let ids: [UInt32]
    let values: [Double]
    /// Simulated milliseconds between two consecutive readings.
    let millisPerReading: Double

    init(devices: Int, readings: Int, readingsPerSecond: Double, seed: UInt64) {
        var random = SplitMix64(seed: seed)
        self.devices = devices
        var series: [Series] = []
        for device in 0..<devices {
            for sensor in Self.sensors {
                series.append(Series(
                    site: "site-\(device % 4)", line: "line-\(device % 20)",
                    device: Self.deviceName(device), sensor: sensor))
            }
        }
        self.series = series
        var order = Array(0..<UInt32(series.count))
        order.shuffle(using: &random)
        // Per-series state of the signal generators.
        var level = series.map { s -> Double in
            switch s.sensor {
            case "temperature": Double.random(in: 400...800, using: &random)
            case "vibration": 3
            case "gas_ppm": 100
            default: 0.01
            }
        }
        var ids = [UInt32](repeating: 0, count: readings)
        var values = [Double](repeating: 0, count: readings)
        for n in 0..<readings {
            let id = order[n % order.count]
            let i = Int(id)
            switch Self.sensors[i % 4] {
            case "temperature":
                level[i] += Double.random(in: -5...5, using: &random)  // random walk
                level[i] = min(max(level[i], 20), 950)
                values[n] = level[i]
            case "vibration":
                values[n] = level[i] + Double.random(in: -2...4.5, using: &random)
            case "gas_ppm":
                level[i] = max(0, level[i] + Double.random(in: -20...20, using: &random))
                values[n] = level[i]
            default:
                values[n] = Double.random(in: 0...0.1, using: &random)
            }
            ids[n] = id
        }
        self.ids = ids
        self.values = values
        self.millisPerReading = 1_000 / readingsPerSecond
    }

    /// Devices come in groups of 20 of one kind: `furnace-012-07` is device 7 of group 12.
    static let kinds = ["furnace", "press", "kiln", "mixer"]
    static let groupSize = 20

    static func deviceName(_ device: Int) -> String {
        let group = device / groupSize
        return "\(kinds[group % kinds.count])-\(digits(group, 3))-\(digits(device % groupSize, 2))"
    }

    /// The glob for every device of one group.
    static func groupPattern(_ group: Int) -> String { "\(kinds[group % kinds.count])-\(digits(group, 3))-*" }

    static func digits(_ number: Int, _ width: Int) -> String {
        let text = String(number)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
