/// Produces one device's sensor values tick by tick.
///
/// Values are a pure function of (scenario, seed, device, seq): noise comes from a
/// counter-based generator keyed by those, and the only state — each random walk's position —
/// is advanced tick by tick. Asking for ticks in order costs O(1) per tick; asking for an
/// earlier tick replays from tick 0; skipping ahead advances through the gap.
public struct DeviceGenerator: Sendable {
    /// The device index.
    public let device: Int
    /// The next tick that costs O(1).
    public private(set) var nextSeq: Int64 = 0
    private let seed: UInt64
    private let ratePerDevice: Double
    private let profiles: [SensorProfile]
    private let phases: [Double]
    private let effects: [ScheduledEffect]
    private let hasWalk: Bool
    /// Each random walk's value at tick `nextSeq - 1`.
    private var walk: [Double]

    init(plan: ScenarioPlan, device: Int) {
        self.device = device
        seed = plan.seed
        ratePerDevice = plan.ratePerDevice
        profiles = plan.devices[device].sensors.map(\.profile)
        phases = profiles.indices.map { sensor in
            var rng = SplitMix64(plan.seed, UInt64(device), UInt64(sensor), 0, Purpose.sinePhase.rawValue)
            return 2 * .pi * rng.unit()
        }
        effects = plan.effects[device]
        hasWalk = profiles.contains { if case .randomWalk = $0 { true } else { false } }
        walk = Array(repeating: 0, count: profiles.count)
    }

    /// The sample of tick `seq` (allocates its `values`; see ``values(seq:into:)`` for the hot path).
    public mutating func sample(seq: Int64) -> DeviceSample {
        var values: [Double] = []
        let published = self.values(seq: seq, into: &values)
        return DeviceSample(
            device: device, seq: seq, offset: Double(seq) / ratePerDevice,
            values: published ? values : [], isSilent: !published)
    }

    /// Writes the values of tick `seq` into `values` (resized to the sensor count).
    /// - Returns: false when the device is silent at that tick (then `values` is unspecified).
    public mutating func values(seq: Int64, into values: inout [Double]) -> Bool {
        precondition(seq >= 0, "seq counts from 0")
        advance(to: seq)
        if values.count != profiles.count { values = Array(repeating: 0, count: profiles.count) }
        let t = Double(seq) / ratePerDevice
        for (sensor, profile) in profiles.enumerated() {
            values[sensor] = value(profile, sensor: sensor, seq: seq, t: t)
        }
        for effect in effects where t >= effect.start && t < effect.end {
            if effect.sensor < 0 { return false }
            values[effect.sensor] = effect.apply(values[effect.sensor], at: t)
        }
        return true
    }

    private func value(_ profile: SensorProfile, sensor: Int, seq: Int64, t: Double) -> Double {
        switch profile {
        case .randomWalk: return walk[sensor]
        case .sine(let mean, let amplitude, let period, let noise):
            var value = mean + amplitude * Math.sin(2 * .pi * t / period + phases[sensor])
            if noise > 0 {
                var rng = SplitMix64(seed, UInt64(device), UInt64(sensor), UInt64(bitPattern: seq), Purpose.sineNoise.rawValue)
                value += noise * rng.gaussian()
            }
            return value
        case .counter(let start, let step): return start + step * Double(seq)
        case .step(let levels, let every):
            return levels[Int((t / every).rounded(.down)) % levels.count]
        case .constant(let value): return value
        }
    }

    /// Moves every random walk to tick `seq`.
    private mutating func advance(to seq: Int64) {
        guard hasWalk else { return }
        if seq < nextSeq - 1 { nextSeq = 0 }  // an earlier tick: replay from the start
        while nextSeq <= seq {
            for (sensor, profile) in profiles.enumerated() {
                guard case .randomWalk(let mean, let sd, let reversion, let low, let high) = profile else { continue }
                let tick = nextSeq
                var x: Double
                if tick == 0 {
                    var rng = SplitMix64(seed, UInt64(device), UInt64(sensor), 0, Purpose.walkStart.rawValue)
                    x = mean + sd * rng.gaussian()
                } else {
                    var rng = SplitMix64(seed, UInt64(device), UInt64(sensor), UInt64(bitPattern: tick), Purpose.walkStep.rawValue)
                    let keep = 1 - reversion
                    // Step noise sized so the stationary standard deviation is `sd`.
                    x = mean + (walk[sensor] - mean) * keep + sd * (1 - keep * keep).squareRoot() * rng.gaussian()
                }
                walk[sensor] = min(high, max(low, x))
            }
            nextSeq += 1
        }
    }
}
