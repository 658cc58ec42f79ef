extension SensorSpec {
    private static let common = ["profile", "unit", "decimals"]

    /// Parses one sensor: `{profile: …, <profile keys>, unit, decimals}`.
    static func parse(name: String, _ field: YAMLField) throws(ScenarioError) -> SensorSpec {
        let profileName = try field.members(allowed: [], allowedAny: true)["profile"]
        guard let profileName else {
            throw ScenarioError(file: field.file, line: field.node.mark?.line, key: "\(field.path).profile", message: "missing (required)")
        }
        let profile: SensorProfile
        switch try profileName.string() {
        case "random-walk":
            let m = try field.members(allowed: common + ["mean", "sd", "reversion", "min", "max"], required: ["mean", "sd"])
            let min = try m["min"]?.number() ?? -Double.greatestFiniteMagnitude
            let max = try m["max"]?.number() ?? Double.greatestFiniteMagnitude
            if min >= max, let field = m["max"] { throw field.error("expected max > min (\(min))") }
            profile = .randomWalk(
                mean: try m.required("mean").number(), sd: try m.required("sd").number(0...Double.greatestFiniteMagnitude, expected: "≥ 0"),
                reversion: try m["reversion"]?.number(0.000_001...1, expected: "in (0, 1]") ?? 0.05, min: min, max: max)
        case "sine":
            let m = try field.members(allowed: common + ["mean", "amplitude", "period", "noise"], required: ["amplitude", "period"])
            profile = .sine(
                mean: try m["mean"]?.number() ?? 0, amplitude: try m.required("amplitude").number(),
                period: try m.required("period").seconds(), noise: try m["noise"]?.number(0...Double.greatestFiniteMagnitude, expected: "≥ 0") ?? 0)
        case "counter":
            let m = try field.members(allowed: common + ["start", "step"])
            profile = .counter(start: try m["start"]?.number() ?? 0, step: try m["step"]?.number() ?? 1)
        case "step":
            let m = try field.members(allowed: common + ["levels", "every"], required: ["levels", "every"])
            let levelsField = try m.required("levels")
            var levels: [Double] = []
            for element in try levelsField.elements() { levels.append(try element.number()) }
            guard !levels.isEmpty else { throw levelsField.error("expected at least one level") }
            profile = .step(levels: levels, every: try m.required("every").seconds())
        case "constant":
            let m = try field.members(allowed: common + ["value"], required: ["value"])
            profile = .constant(value: try m.required("value").number())
        default:
            throw profileName.error("expected one of random-walk, sine, counter, step, constant, got \(profileName.shown)")
        }
        let m = try field.members(allowed: [], allowedAny: true)
        return SensorSpec(
            name: name, unit: try m["unit"].map { field throws(ScenarioError) in
                let unit = try field.string()
                guard !unit.contains(where: { $0 == "\"" || $0 == "\\" || $0.isNewline }) else {
                    throw field.error("a unit cannot contain quotes, backslashes or line breaks")
                }
                return unit
            },
            decimals: try m["decimals"]?.integer(0...9) ?? (profile.name == "counter" ? 0 : 2),
            profile: profile)
    }
}
