extension HazardSpec {
    /// Parses `hazards` and checks each against the layout: the device exists once, has the
    /// affected sensors, and random types have somewhere to happen.
    static func parseAll(_ field: YAMLField, in scenario: Scenario) throws(ScenarioError) -> [HazardSpec] {
        let devices = scenario.expandedDevices()
        var hazards: [HazardSpec] = []
        for element in try field.elements() {
            if case .mapping(let mapping) = element.node, mapping.keys.contains(where: { $0.string == "random" }) {
                hazards.append(.random(try parseRandom(element, devices: devices, runSeconds: scenario.duration)))
            } else {
                hazards.append(.fixed(try parseFixed(element, devices: devices)))
            }
        }
        return hazards
    }

    private static func type(_ field: YAMLField) throws(ScenarioError) -> HazardType {
        guard let type = HazardType(rawValue: try field.string()) else {
            throw field.error("expected one of \(HazardType.allCases.map(\.rawValue).joined(separator: ", ")), got \(field.shown)")
        }
        return type
    }

    private static func parseFixed(_ field: YAMLField, devices: [ExpandedDevice]) throws(ScenarioError) -> FixedHazard {
        let typeField = try field.members(allowed: [], allowedAny: true)["type"]
        guard let typeField else {
            throw ScenarioError(file: field.file, line: field.node.mark?.line, key: "\(field.path).type",
                                message: "missing (required; or write random: N for random hazards)")
        }
        let type = try type(typeField)
        var allowed = ["type", "device", "site", "line", "start", "duration"]
        if type.acceptsSensor { allowed.append("sensor") }
        switch type {
        case .overheat: allowed.append("level")
        case .gasLeak: allowed.append("rate")
        case .vibrationBurst: allowed.append("factor")
        case .fireRisk: allowed += ["level", "smoke"]
        case .chatter: allowed += ["level", "period"]
        case .silent: break
        }
        let m = try field.members(allowed: allowed, required: ["device", "start", "duration"])
        let deviceField = try m.required("device")
        let name = try deviceField.string()
        let site = try m["site"]?.string()
        let line = try m["line"]?.string()
        let matches = devices.filter { $0.name == name && (site == nil || $0.site == site) && (line == nil || $0.line == line) }
        guard let device = matches.first else { throw deviceField.error("no device named \(deviceField.shown) in the layout") }
        guard matches.count == 1 else {
            throw deviceField.error("\(matches.count) devices are named \(deviceField.shown): add site: and/or line:")
        }
        let sensors = try m["sensor"].map { field throws(ScenarioError) in [try field.string()] } ?? type.defaultSensors
        for sensor in sensors where !device.kind.sensors.contains(where: { $0.name == sensor }) {
            throw (m["sensor"] ?? deviceField).error(
                "\(type.rawValue) needs sensor \(sensor), which \(device.name) (kind \(device.kind.name)) does not have")
        }
        let effect: HazardEffect
        switch type.defaultEffect {
        case .rampTo(let level): effect = .rampTo(level: try m["level"]?.number() ?? level)
        case .rise(let rate): effect = .rise(perSecond: try m["rate"]?.number() ?? rate)
        case .scale(let factor): effect = .scale(factor: try m["factor"]?.positiveNumber() ?? factor)
        case .atLeast(let temperature, let smoke):
            effect = .atLeast(temperature: try m["level"]?.number() ?? temperature, smoke: try m["smoke"]?.number() ?? smoke)
        case .silence: effect = .silence
        case .bounce(let level, let period):
            effect = .bounce(level: try m["level"]?.number() ?? level, periodSeconds: try m["period"]?.seconds() ?? period)
        }
        return FixedHazard(
            type: type, device: name, site: site, line: line, sensors: sensors,
            start: try m.required("start").seconds(allowZero: true), duration: try m.required("duration").seconds(),
            effect: effect)
    }

    private static func parseRandom(_ field: YAMLField, devices: [ExpandedDevice], runSeconds: Double) throws(ScenarioError) -> RandomHazards {
        let m = try field.members(allowed: ["random", "types", "within", "duration"], required: ["random"])
        var types: [HazardType] = []
        if let typesField = m["types"] {
            for element in try typesField.elements() {
                let type = try type(element)
                guard devices.contains(where: { type.fits($0.kind) }) else {
                    throw element.error("no device has the sensors \(type.rawValue) needs (\(type.defaultSensors.joined(separator: ", ")))")
                }
                types.append(type)
            }
            guard !types.isEmpty else { throw typesField.error("expected at least one hazard type") }
        } else {
            types = HazardType.allCases.filter { type in devices.contains { type.fits($0.kind) } }
        }
        let within = try m["within"]?.seconds() ?? runSeconds
        let duration = try m["duration"]?.seconds()
        let longest = duration ?? types.map(\.defaultDuration).max() ?? 0
        guard longest <= within else {
            throw (m["within"] ?? field).error("hazards of \(longest)s cannot fit within \(within)s")
        }
        return RandomHazards(count: try m.required("random").integer(0...100_000), types: types, within: within, duration: duration)
    }
}
