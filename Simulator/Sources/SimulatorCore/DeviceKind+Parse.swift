extension DeviceKind {
    /// Parses the `kinds` mapping: kind name → `{payload, batch, sensors}`.
    static func parseAll(_ field: YAMLField) throws(ScenarioError) -> [DeviceKind] {
        guard case .mapping = field.node else { throw field.error("expected a mapping of kind name → kind, got \(field.shown)") }
        let all = try field.members(allowed: [], allowedAny: true)
        guard !all.entries.isEmpty else { throw field.error("at least one kind is needed") }
        var kinds: [DeviceKind] = []
        for (name, value) in all.entries {
            let members = try value.members(allowed: ["payload", "batch", "sensors"], required: ["sensors"])
            var payload = PayloadShape.object
            if let shape = members["payload"] {
                let text = try shape.string()
                guard let parsed = PayloadShape(rawValue: text) else {
                    throw shape.error("expected one of number, object, device-object, array, got \(shape.shown)")
                }
                payload = parsed
            }
            if let batch = members["batch"], payload != .array {
                throw batch.error("batch applies only to payload: array")
            }
            let sensorsField = try members.required("sensors")
            let sensorEntries = try sensorsField.members(allowed: [], allowedAny: true).entries
            guard !sensorEntries.isEmpty else { throw sensorsField.error("at least one sensor is needed") }
            var sensors: [SensorSpec] = []
            for (sensorName, sensorField) in sensorEntries {
                try YAMLField.checkSegment(sensorName, at: sensorField)
                sensors.append(try SensorSpec.parse(name: sensorName, sensorField))
            }
            try YAMLField.checkSegment(name, at: value)
            kinds.append(DeviceKind(
                name: name, payload: payload, batch: try members["batch"]?.integer(1...1_000) ?? 5, sensors: sensors))
        }
        return kinds
    }
}

extension YAMLField {
    /// Members of a mapping whose keys are names chosen by the user (kinds, sensors).
    func members(allowed: [String], allowedAny: Bool) throws(ScenarioError) -> YAMLMembers {
        guard allowedAny else { return try members(allowed: allowed) }
        guard case .mapping(let mapping) = node else { throw error("expected a mapping, got \(shown)") }
        var names: [String] = []
        for (key, _) in mapping {
            guard case .scalar(let scalar) = key else { throw YAMLField(node: key, path: path, file: file).error("keys must be plain text") }
            names.append(scalar.string)
        }
        return try members(allowed: names)
    }

    /// Fails at `field` unless `name` is usable as a topic segment.
    static func checkSegment(_ name: String, at field: YAMLField) throws(ScenarioError) {
        guard !name.isEmpty, !name.contains(where: { "/+#{} \t\"\\".contains($0) }) else {
            throw field.error("the name \"\(name)\" cannot be a topic segment (no '/', '+', '#', braces, quotes or spaces)")
        }
    }
}
