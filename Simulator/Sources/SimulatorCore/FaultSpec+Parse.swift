extension FaultSpec {
    /// Parses `faults: {malformed: {fraction, kinds}, duplicates, out_of_order, drops, skew: {fraction, by},
    /// clock_off: {fraction, by}, disconnects: {every}}`.
    static func parse(_ field: YAMLField) throws(ScenarioError) -> FaultSpec {
        let members = try field.members(allowed: ["malformed", "duplicates", "out_of_order", "drops", "skew", "clock_off", "disconnects"])
        var faults = FaultSpec.none
        if let malformed = members["malformed"] {
            let m = try malformed.members(allowed: ["fraction", "kinds"], required: ["fraction"])
            faults.malformed = try m.required("fraction").fraction()
            if let kindsField = m["kinds"] {
                var kinds: [MalformedKind] = []
                for element in try kindsField.elements() {
                    guard let kind = MalformedKind(rawValue: try element.string()) else {
                        throw element.error("expected one of \(MalformedKind.allCases.map(\.rawValue).joined(separator: ", ")), got \(element.shown)")
                    }
                    kinds.append(kind)
                }
                guard !kinds.isEmpty else { throw kindsField.error("expected at least one kind") }
                faults.malformedKinds = kinds
            }
        }
        faults.duplicates = try members["duplicates"]?.fraction() ?? 0
        faults.outOfOrder = try members["out_of_order"]?.fraction() ?? 0
        faults.drops = try members["drops"]?.fraction() ?? 0
        if let clockOff = members["clock_off"] {
            let m = try clockOff.members(allowed: ["fraction", "by"], required: ["fraction", "by"])
            faults.clockOff = try m.required("fraction").fraction()
            faults.clockOffBy = try m.required("by").seconds()
            guard faults.clockOffBy <= 86_400 else { throw try m.required("by").error("at most a day (86400 s), got \(faults.clockOffBy) s") }
        }
        if let skew = members["skew"] {
            let m = try skew.members(allowed: ["fraction", "by"], required: ["fraction", "by"])
            faults.skew = try m.required("fraction").fraction()
            faults.skewBy = try m.required("by").seconds()
        }
        if let disconnects = members["disconnects"] {
            faults.disconnectEvery = try disconnects.members(allowed: ["every"], required: ["every"]).required("every").seconds()
        }
        guard faults.malformed + faults.duplicates + faults.outOfOrder + faults.drops + faults.skew <= 1 else {
            throw field.error("the fractions of malformed, duplicates, out_of_order, drops and skew add up to more than 1")
        }
        return faults
    }
}
