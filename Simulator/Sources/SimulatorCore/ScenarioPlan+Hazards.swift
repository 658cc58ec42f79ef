extension ScenarioPlan {
    /// Fixed hazards as written, random ones drawn from the seed; sorted by start.
    static func resolveHazards(scenario: Scenario, devices: [PlannedDevice], kinds: [DeviceKind], seed: UInt64) -> [InjectedHazard] {
        var result: [InjectedHazard] = []
        func inject(_ type: HazardType, device: Int, sensors: [String], start: Double, duration: Double, effect: HazardEffect, random: Bool) {
            let planned = devices[device]
            result.append(InjectedHazard(
                type: type, rule: type.rule(device: planned.name), site: planned.site, line: planned.line,
                device: planned.name, deviceIndex: device,
                sensors: type == .silent ? planned.sensors.map(\.name) : sensors,
                startOffset: start, endOffset: start + duration, effect: effect, isRandom: random))
        }
        // Fixed hazards first, so random ones can keep clear of them (each random draw depends
        // only on the seed and its place in the file).
        let specs = Array(scenario.hazards.enumerated())
        let ordered = specs.filter { if case .fixed = $0.element { true } else { false } }
            + specs.filter { if case .random = $0.element { true } else { false } }
        for (specIndex, spec) in ordered {
            switch spec {
            case .fixed(let hazard):
                guard let device = devices.firstIndex(where: {
                    $0.name == hazard.device && (hazard.site == nil || $0.site == hazard.site)
                        && (hazard.line == nil || $0.line == hazard.line)
                }) else { continue }  // the parser checked it exists
                inject(hazard.type, device: device, sensors: hazard.sensors, start: hazard.start,
                       duration: hazard.duration, effect: hazard.effect, random: false)
            case .random(let random):
                for n in 0..<random.count {
                    var rng = SplitMix64(seed, UInt64(specIndex), UInt64(n), 0, Purpose.randomHazard.rawValue)
                    let type = random.types[rng.below(random.types.count)]
                    let eligible = kinds.indices.filter { type.fits(kinds[$0]) }
                    guard !eligible.isEmpty else { continue }
                    let first = rng.below(eligible.count)
                    let duration = random.duration ?? type.defaultDuration
                    // Whole milliseconds, so reports print clean numbers.
                    let start = ((rng.unit() * max(0, random.within - duration)) * 1_000).rounded(.down) / 1_000
                    // Not on a device that is silent then (nor silence over another hazard): nothing
                    // could detect it. The next eligible device takes it, or nobody.
                    let clash = { (device: Int) in
                        result.contains {
                            $0.deviceIndex == device && (type == .silent || $0.type == .silent)
                                && $0.startOffset < start + duration && start < $0.endOffset
                        }
                    }
                    guard let offset = (0..<eligible.count).first(where: { !clash(eligible[(first + $0) % eligible.count]) }) else { continue }
                    inject(type, device: eligible[(first + offset) % eligible.count], sensors: type.defaultSensors, start: start,
                           duration: duration, effect: type.defaultEffect, random: true)
                }
            }
        }
        return result.enumerated().sorted { ($0.element.startOffset, $0.offset) < ($1.element.startOffset, $1.offset) }.map(\.element)
    }

    /// The per-sensor effects of one hazard.
    static func effects(of hazard: InjectedHazard, device: PlannedDevice) -> [ScheduledEffect] {
        func index(_ name: String) -> Int { device.sensors.firstIndex { $0.name == name } ?? -1 }
        let start = hazard.startOffset, end = hazard.endOffset
        switch hazard.effect {
        case .silence:
            return [ScheduledEffect(sensor: -1, start: start, end: end, action: .silence)]
        case .rampTo(let level):
            return hazard.sensors.map { ScheduledEffect(sensor: index($0), start: start, end: end, action: .rampTo(level)) }
        case .rise(let rate):
            return hazard.sensors.map { ScheduledEffect(sensor: index($0), start: start, end: end, action: .rise(rate)) }
        case .scale(let factor):
            return hazard.sensors.map { ScheduledEffect(sensor: index($0), start: start, end: end, action: .scale(factor)) }
        case .bounce(let level, let period):
            return hazard.sensors.map { ScheduledEffect(sensor: index($0), start: start, end: end, action: .bounce(level, period: period)) }
        case .atLeast(let temperature, let smoke):
            return hazard.sensors.map {
                ScheduledEffect(sensor: index($0), start: start, end: end, action: .atLeast($0 == "smoke" ? smoke : temperature))
            }
        }
    }
}
